package cli

import (
	"context"
	"fmt"

	"coin/date"
	"coin/demo"
)

// DemoCmd loads demo data into the configured database.
type DemoCmd struct {
	Force bool `help:"Load even if the database already has members."`
}

func (d *DemoCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		if !d.Force {
			n, err := a.store.CountMembers(ctx, "")
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("the database already has %d members: use --force to add the demo data anyway", n)
			}
		}
		if err := demo.Load(ctx, a.store, a.cfg.Location()); err != nil {
			return err
		}
		if err := demo.LoadBilling(ctx, a.store, a.billing, date.Today(a.cfg.Location())); err != nil {
			return err
		}
		if err := demo.LoadNetwork(ctx, a.store, a.ipam, date.Today(a.cfg.Location())); err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, demo.Banner)
		return nil
	})
}
