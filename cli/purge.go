package cli

import (
	"context"
	"fmt"
	"time"
)

// PurgeUnverifiedCmd deletes sign-ups never verified.
type PurgeUnverifiedCmd struct{}

func (PurgeUnverifiedCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	a, err := openApp(context.Background(), cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	gone, err := a.accounts.PurgeUnverified(context.Background(), time.Now())
	if err != nil {
		return err
	}
	for _, l := range gone {
		fmt.Fprintf(g.Stdout, "deleted unverified sign-up %s\n", l)
	}
	fmt.Fprintf(g.Stdout, "%d unverified sign-ups deleted\n", len(gone))
	return nil
}
