package cli

import (
	"bytes"
	"context"
	"fmt"

	"coin/accounting"
	"coin/config"
	"coin/date"
	"coin/money"
)

// ExportAccountingCmd exports a period for the accountant.
type ExportAccountingCmd struct {
	From    string `help:"First day (YYYY-MM-DD)." required:"" placeholder:"YYYY-MM-DD"`
	To      string `help:"Last day, included (YYYY-MM-DD)." required:"" placeholder:"YYYY-MM-DD"`
	Format  string `help:"csv (invoices, credit notes, payments) or fec (French FEC, double entry)." enum:"csv,fec" default:"csv"`
	Charset string `help:"Character set of the FEC: iso-8859-15 (article A47 A-1 LPF; refused with the line at fault when a character does not fit) or utf-8." enum:"iso-8859-15,utf-8" default:"iso-8859-15"`
	Output  string `help:"Write to FILE (replaced atomically) instead of standard output." short:"o" placeholder:"FILE" type:"path"`
}

func (c *ExportAccountingCmd) Run(g *Globals) error {
	ctx := context.Background()
	var from, to date.Date
	return g.withApp(ctx, func(*config.Config) (err error) {
		from, err = date.Parse(c.From)
		if err != nil || from.IsZero() {
			return fmt.Errorf("--from: %q is not a date such as 2027-01-01", c.From)
		}
		to, err = date.Parse(c.To)
		if err != nil || to.IsZero() {
			return fmt.Errorf("--to: %q is not a date such as 2027-12-31", c.To)
		}
		if to.Before(from) {
			return fmt.Errorf("--to %s is before --from %s", to, from)
		}
		return nil
	}, func(a *app) (err error) {
		var buf bytes.Buffer
		if c.Format == "fec" {
			if err = a.books.WriteFEC(ctx, &buf, from, to); err != nil {
				return err
			}
			var b []byte
			if b, err = accounting.EncodeFEC(buf.Bytes(), c.Charset); err != nil {
				return err
			}
			buf.Reset()
			buf.Write(b)
		} else {
			err = a.books.WriteCSV(ctx, &buf, from, to)
		}
		if err != nil {
			return err
		}
		if c.Output == "" {
			_, err = g.Stdout.Write(buf.Bytes())
			return err
		}
		return writeAtomic(c.Output, buf.Bytes())
	})
}

func moneyPlain(c int64) string { return money.Plain(c) }
