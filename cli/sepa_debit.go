package cli

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// SEPADebitCmd writes the direct debit file for the bank.
type SEPADebitCmd struct {
	Date   string `help:"Day of the file (YYYY-MM-DD, default today); the collection is asked for sepa.lead_days later." placeholder:"YYYY-MM-DD"`
	Output string `help:"Write the pain.008 XML to FILE (replaced atomically) instead of standard output." short:"o" placeholder:"FILE" type:"path"`
	DryRun bool   `help:"Write the file but record nothing: the same invoices stay to collect." name:"dry-run"`
}

func (c *SEPADebitCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	day := date.Today(cfg.Location())
	if c.Date != "" {
		if day, err = date.Parse(c.Date); err != nil {
			return fmt.Errorf("--date: %w", err)
		}
	}
	ctx := context.Background()
	a, err := openApp(ctx, cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	f, err := a.sepa.Collect(ctx, day, time.Now(), c.DryRun)
	if err != nil {
		return err
	}
	if c.Output == "" {
		_, err = g.Stdout.Write(f.XML)
	} else {
		err = writeAtomic(c.Output, f.XML)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "%s: %d direct debits, %s %s, to collect on %s\n", f.MessageID, f.Count,
		moneyPlain(f.TotalCents), cfg.Billing.Currency, f.CollectionDate)
	return nil
}
