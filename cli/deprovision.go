package cli

import (
	"context"
	"fmt"
)

// DeprovisionCmd runs the deprovision hooks that are due.
type DeprovisionCmd struct {
	Date string `help:"Treat this day as today (YYYY-MM-DD)." placeholder:"YYYY-MM-DD"`
}

func (c *DeprovisionCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	day, err := dayFlag(c.Date, cfg)
	if err != nil {
		return err
	}
	a, err := openApp(context.Background(), cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	summary, err := a.subs.DeprovisionDue(context.Background(), day)
	if err != nil {
		return err
	}
	fmt.Fprintln(g.Stdout, summary)
	return nil
}
