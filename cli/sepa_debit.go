package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coin/config"
	"coin/date"
	"coin/sepa"
	"coin/store"
)

// SEPADebitCmd writes the direct debit file for the bank, or writes again
// a file made before.
type SEPADebitCmd struct {
	Date   string `help:"Day of the file (YYYY-MM-DD, default today); the collection is asked for sepa.lead_days TARGET2 business days later." placeholder:"YYYY-MM-DD" xor:"file-date"`
	Output string `help:"Write the pain.008 XML to FILE (replaced atomically) instead of standard output." short:"o" placeholder:"FILE" type:"path"`
	DryRun bool   `help:"Write the file but record nothing: the same invoices stay to collect." name:"dry-run" xor:"file-dry-run"`
	File   string `help:"Write again the stored file of this message id (COIN-…), as it was made; records nothing." placeholder:"MSGID" xor:"file-date,file-dry-run"`
}

func (c *SEPADebitCmd) Run(g *Globals) error {
	ctx := context.Background()
	var day date.Date
	return g.withApp(ctx, func(cfg *config.Config) (err error) {
		day = date.Today(cfg.Location())
		if c.Date != "" {
			if day, err = date.Parse(c.Date); err != nil {
				return fmt.Errorf("--date: %w", err)
			}
		}
		return nil
	}, func(a *app) (err error) {
		if c.File != "" {
			return c.writeStored(ctx, g, a)
		}
		// The output file is created before the debits are recorded: a path
		// that cannot be written records nothing.
		var out *atomicFile
		if c.Output != "" {
			if out, err = createAtomic(c.Output); err != nil {
				return fmt.Errorf("--output: %w: nothing recorded", err)
			}
		}
		f, err := a.sepa.Collect(ctx, day, time.Now(), sepa.Maker{}, c.DryRun)
		if err != nil {
			if out != nil {
				out.abort()
			}
			return err
		}
		if out == nil {
			_, err = g.Stdout.Write(f.XML)
		} else {
			err = out.commit(f.XML)
		}
		if err != nil {
			if c.DryRun {
				return fmt.Errorf("write the trial file: %w", err)
			}
			// The debits are recorded and the file is stored: say how to
			// get it again rather than leave the treasurer without it.
			return fmt.Errorf("write the direct debit file: %w; file %s is stored and its %d debits are recorded: write it again with `coin sepa-debit --file %s -o FILE`",
				err, f.MessageID, f.Count, f.MessageID)
		}
		fmt.Fprintf(g.Stderr, "%s: %d direct debits, %s %s, to collect on %s\n", f.MessageID, f.Count,
			moneyPlain(f.TotalCents), a.cfg.Billing.Currency, f.CollectionDate)
		if c.DryRun {
			fmt.Fprintln(g.Stderr, "trial file: nothing recorded")
		}
		return nil
	})
}

// writeStored writes again a file made before, byte for byte.
func (c *SEPADebitCmd) writeStored(ctx context.Context, g *Globals, a *app) error {
	f, err := a.sepa.Stored(ctx, c.File)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no stored direct debit file %q (the back office's Direct debit page lists them)", c.File)
	}
	if err != nil {
		return err
	}
	if c.Output == "" {
		_, err = g.Stdout.Write(f.XML)
	} else {
		err = writeAtomic(c.Output, f.XML)
	}
	if err != nil {
		return fmt.Errorf("write direct debit file %s: %w", f.MessageID, err)
	}
	fmt.Fprintf(g.Stderr, "%s (made %s): %d direct debits, %s %s, to collect on %s\n", f.MessageID,
		f.CreatedAt.In(a.cfg.Location()).Format("2006-01-02 15:04"), f.TransactionCount, moneyPlain(f.TotalCents),
		a.cfg.Billing.Currency, f.CollectionDate)
	return nil
}
