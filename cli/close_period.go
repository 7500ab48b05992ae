package cli

import (
	"context"
	"fmt"

	"coin/ledger"
)

// ClosePeriodCmd closes an accounting period.
type ClosePeriodCmd struct {
	Period string `arg:"" help:"The month (YYYY-MM) or the year (YYYY) to close; it must have ended." placeholder:"YYYY-MM|YYYY"`
	Actor  string `help:"Name written in the accounting log." default:"close-period"`
}

func (c *ClosePeriodCmd) Run(g *Globals) error {
	ctx := context.Background()
	if _, _, err := ledger.ParsePeriod(c.Period); err != nil {
		return err
	}
	return g.withApp(ctx, nil, func(a *app) error {
		p, err := a.books.Ledger().Close(ctx, a.store, c.Period, c.Actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.Stdout, "Period %s closed (%s to %s): nothing can be dated into it any more.\n", p.Period, p.Start, p.End)
		return nil
	})
}
