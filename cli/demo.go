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
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	a, err := openApp(context.Background(), cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	ctx := context.Background()
	if !d.Force {
		n, err := a.store.CountMembers(ctx, "")
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the database already has %d members: use --force to add the demo data anyway", n)
		}
	}
	if err := demo.Load(ctx, a.store, cfg.Location()); err != nil {
		return err
	}
	if err := demo.LoadBilling(ctx, a.store, a.billing, date.Today(cfg.Location())); err != nil {
		return err
	}
	if err := demo.LoadNetwork(ctx, a.store, a.ipam, date.Today(cfg.Location())); err != nil {
		return err
	}
	fmt.Fprintln(g.Stdout, demo.Banner)
	return nil
}
