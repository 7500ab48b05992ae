package cli

import (
	"context"
	"fmt"

	"coin/config"
	"coin/date"
)

// DeprovisionCmd runs the deprovision hooks that are due.
type DeprovisionCmd struct {
	Date string `help:"Treat this day as today (YYYY-MM-DD)." placeholder:"YYYY-MM-DD"`
}

func (c *DeprovisionCmd) Run(g *Globals) error {
	ctx := context.Background()
	var day date.Date
	return g.withApp(ctx, func(cfg *config.Config) (err error) {
		day, err = dayFlag(c.Date, cfg)
		return err
	}, func(a *app) error {
		summary, err := a.subs.DeprovisionDue(ctx, day)
		if err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, summary)
		return nil
	})
}
