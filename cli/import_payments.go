package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"coin/bank"
	"coin/config"
	"coin/model"
	"coin/money"
	"coin/store"
)

// ImportPaymentsCmd imports a bank statement from the command line: the
// lines matched with confidence become payments (or membership fees), in
// one transaction; ambiguous and unmatched lines are left out and listed,
// for the back office (Payments → Import a statement) where a person
// chooses.
type ImportPaymentsCmd struct {
	File   string `arg:"" help:"The statement: a CSV export of the bank or a CAMT.053 XML file." type:"path"`
	Format string `help:"camt053 or the name of a CSV profile of [bank.profiles] (default: bank.default_profile)." placeholder:"F"`
	DryRun bool   `help:"Show what each line would pay and import nothing." name:"dry-run"`
}

func (c *ImportPaymentsCmd) Run(g *Globals) error {
	// The audit log names the command line as the actor.
	ctx := store.WithActor(context.Background(), store.Actor{Name: "cli"})
	var data []byte
	return g.withApp(ctx, func(cfg *config.Config) error {
		info, err := os.Stat(c.File)
		if err != nil {
			return err
		}
		if info.Size() > cfg.Bank.MaxFileSize {
			return fmt.Errorf("%s: %d bytes, more than bank.max_file_size (%d): nothing imported", c.File, info.Size(), cfg.Bank.MaxFileSize)
		}
		f, err := os.Open(c.File)
		if err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(f, cfg.Bank.MaxFileSize+1))
		f.Close()
		return err
	}, func(a *app) (err error) {
		var lines []*store.BankImportLine
		var imp *store.BankImport
		var reading bank.Reading
		if c.DryRun {
			st, err := a.bank.Read(data, c.Format)
			if err != nil {
				return fmt.Errorf("%s: %w: nothing imported", c.File, err)
			}
			if lines, err = a.bank.Match(ctx, st.Lines); err != nil {
				return err
			}
			reading = st.Reading
		} else {
			imp, lines, err = a.bank.Preview(ctx, filepath.Base(c.File), c.Format, data, nil)
			if err != nil {
				return fmt.Errorf("%s: %w: nothing imported", c.File, err)
			}
			reading = bank.Reading{Format: imp.Format, Encoding: imp.Encoding, Skipped: imp.Skipped}
		}
		fmt.Fprintln(g.Stdout, describeReading(reading))
		printLines(g.Stdout, lines, a.cfg.Billing.Currency)
		left := 0
		for _, l := range lines {
			if l.Result == model.LineAmbiguous || l.Result == model.LineUnmatched {
				left++
			}
		}
		if c.DryRun {
			fmt.Fprintf(g.Stdout, "dry run: nothing imported (%d lines, %d to settle by hand)\n", len(lines), left)
			return nil
		}
		sum, err := a.bank.Confirm(ctx, imp.ID, bank.Actor{Name: "cli"})
		if err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, sum)
		if left > 0 {
			fmt.Fprintf(g.Stdout, "%d ambiguous or unmatched lines were left out: import the file in the back office to choose for them (what was imported is recognised)\n", left)
		}
		return nil
	})
}

// describeReading says how the file was read.
func describeReading(r bank.Reading) string {
	s := "read as a CAMT.053 XML statement"
	if r.Format != bank.FormatCAMT053 {
		s = fmt.Sprintf("read as CSV with the profile %s, in the %s encoding", r.Format, r.Encoding)
	}
	switch {
	case r.Skipped == 1:
		s += "; 1 line after the last entry (a balance or total) left out"
	case r.Skipped > 1:
		s += fmt.Sprintf("; %d lines after the last entry (a balance, totals) left out", r.Skipped)
	}
	return s
}

// printLines writes the preview as a table.
func printLines(w io.Writer, lines []*store.BankImportLine, currency string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tDATE\tAMOUNT\tRESULT\tMEMBER\tPAYS\tBY\tLABEL")
	for _, l := range lines {
		member, pays := "", l.Target
		if l.MemberID != nil {
			member = fmt.Sprintf("%s (#%d)", l.MemberName, *l.MemberID)
		}
		if l.Result == model.LineAmbiguous {
			ids := make([]string, len(l.Candidates))
			for i, id := range l.Candidates {
				ids[i] = fmt.Sprintf("#%d", id)
			}
			member = "one of " + strings.Join(ids, ", ")
		}
		if l.InvoiceNumber != "" {
			pays += " " + l.InvoiceNumber
		}
		label := l.Label
		if len(label) > 60 {
			label = bank.CutUTF8(label, 60) + "…"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s %s\t%s\t%s\t%s\t%s\t%s\n", l.Position, l.Date, money.Plain(l.AmountCents), currency,
			l.Result, member, pays, l.Reason, label)
	}
	tw.Flush()
}
