package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"coin/ispdb"
	"coin/ldapsync"
	"coin/overrides"
	"coin/provision"
	"coin/store"
)

// CheckCmd verifies that coin can start: configuration, template overrides,
// database reachable and migrated.
type CheckCmd struct {
	Backup string `help:"Verify this backup archive instead (manifest, checksums, integrity, schema version), without restoring it." type:"path" placeholder:"FILE"`
}

func (c CheckCmd) Run(g *Globals) error {
	if c.Backup != "" {
		return checkBackup(g, c.Backup)
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	where := cfg.Path
	if where == "" {
		where = "built-in defaults"
	}
	fmt.Fprintf(g.Stdout, "ok   configuration (%s)\n", where)
	problems := 0
	if cfg.Server.SecretKey == "" {
		fmt.Fprintln(g.Stdout, "FAIL server.secret_key is not set (serve refuses to start outside --demo)")
		problems++
	}
	for _, err := range overrides.New(cfg.Server.OverridesDir, g.logger()).Check() {
		fmt.Fprintf(g.Stdout, "FAIL template override: %v\n", err)
		problems++
	}
	if problems == 0 {
		fmt.Fprintln(g.Stdout, "ok   templates")
	}
	hookProblems := provision.Check(&cfg.Services)
	for _, p := range hookProblems {
		fmt.Fprintf(g.Stdout, "FAIL hook %v\n", p)
	}
	if len(hookProblems) == 0 {
		fmt.Fprintln(g.Stdout, "ok   provisioning hooks")
	}
	problems += len(hookProblems)
	if cmd := cfg.Maillists.SyncCommand; cfg.Maillists.Enabled && len(cmd) > 0 {
		if path, err := exec.LookPath(cmd[0]); err != nil {
			fmt.Fprintf(g.Stdout, "FAIL maillists.sync_command: %v\n", err)
			problems++
		} else {
			fmt.Fprintf(g.Stdout, "ok   maillists.sync_command runs %s\n", path)
		}
	}
	if cfg.LDAP.Enabled() {
		if err := ldapsync.New(nil, &cfg.LDAP, g.logger()).Check(); err != nil {
			fmt.Fprintf(g.Stdout, "FAIL LDAP: %v\n", err)
			problems++
		} else {
			fmt.Fprintf(g.Stdout, "ok   LDAP %s: bound, base DNs found\n", cfg.LDAP.URL)
		}
	}
	st, err := connect(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(g.Stdout, "FAIL database: %v\n", err)
		return statusError(1)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := st.Ping(ctx); err != nil {
		fmt.Fprintf(g.Stdout, "FAIL database: %v\n", err)
		return statusError(1)
	}
	ms, err := st.MigrationStatus(ctx)
	if err != nil {
		fmt.Fprintf(g.Stdout, "FAIL database schema: %v\n", err)
		problems++
	} else if ms.Dirty {
		fmt.Fprintf(g.Stdout, "FAIL database schema: version %d is dirty\n", ms.Current)
		problems++
	} else {
		fmt.Fprintf(g.Stdout, "ok   %s database reachable (schema %d of %d; serve applies what is pending)\n", st.Dialect(), ms.Current, ms.Latest)
		if ms.Current == ms.Latest {
			problems += checkISPRecord(ctx, g, st)
		}
	}
	if problems > 0 {
		return statusError(1)
	}
	return nil
}

// checkISPRecord warns, without failing, while /isp.json cannot be served,
// and fails when the stored record gives an /isp.json that db.ffdn.org's
// crawler would refuse (e.g. a covered area saved before a rule existed).
// It returns the number of problems.
func checkISPRecord(ctx context.Context, g *Globals, st *store.Store) int {
	r, err := st.ISP(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && (r.Name == "" || r.Email == ""):
		fmt.Fprintln(g.Stdout, "warn ISP record not filled in: /isp.json answers 404 until an admin gives the name and e-mail (/admin/isp)")
	case err != nil:
		fmt.Fprintf(g.Stdout, "warn ISP record: %v\n", err)
	default:
		schema, err := ispdb.NewSchema()
		if err != nil {
			fmt.Fprintf(g.Stdout, "FAIL ISP schema: %v\n", err)
			return 1
		}
		bad := ispdb.CheckStored(r, schema)
		for _, p := range bad {
			fmt.Fprintf(g.Stdout, "FAIL ISP record, /isp.json would be refused by db.ffdn.org: %s\n", p)
		}
		if len(bad) > 0 {
			return len(bad)
		}
		fmt.Fprintf(g.Stdout, "ok   ISP record of %s\n", r.Name)
	}
	return 0
}
