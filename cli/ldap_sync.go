package cli

import (
	"context"
	"errors"
	"fmt"

	"coin/config"
)

// LDAPSyncCmd reconciles the whole LDAP tree with the database.
type LDAPSyncCmd struct {
	DryRun bool `help:"Tell what would be created, updated and disabled; write nothing."`
}

func (l *LDAPSyncCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, func(cfg *config.Config) error {
		if !cfg.LDAP.Enabled() {
			return errors.New("LDAP sync is off: set ldap.url (and ldap.vpn_base_dn or ldap.dsl_base_dn)")
		}
		return nil
	}, func(a *app) error {
		rep, err := a.ldap.Reconcile(ctx, l.DryRun)
		if err != nil {
			return err
		}
		for _, f := range rep.Failed {
			fmt.Fprintln(g.Stdout, "FAILED:", f)
		}
		prefix := ""
		if l.DryRun {
			prefix = "dry run, nothing written: "
		}
		fmt.Fprintln(g.Stdout, prefix+rep.String())
		if len(rep.Failed) > 0 {
			return fmt.Errorf("%d LDAP entries could not be written (recorded; retried by the ldap-sync job)", len(rep.Failed))
		}
		return nil
	})
}
