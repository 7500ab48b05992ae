package cli

import (
	"context"
	"fmt"

	"coin/store"
)

// MigrateCmd applies or reports migrations.
type MigrateCmd struct {
	Up     MigrateUpCmd     `cmd:"" default:"withargs" help:"Apply pending migrations (the default)."`
	Status MigrateStatusCmd `cmd:"" help:"Show the applied and latest schema versions."`
}

type MigrateUpCmd struct{}

func (MigrateUpCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, err := connect(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := migrate(context.Background(), cfg, st, g.logger()); err != nil {
		return err
	}
	ms, err := st.MigrationStatus(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "database schema at version %d\n", ms.Current)
	return nil
}

type MigrateStatusCmd struct{}

func (MigrateStatusCmd) Run(g *Globals) error {
	// Only report: a path that names no database is an error, and creates
	// nothing (no file, no folder).
	_, driver, dsn, err := g.database()
	if err != nil {
		return err
	}
	st, err := store.OpenExisting(context.Background(), driver, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	ms, err := st.MigrationStatus(context.Background())
	if err != nil {
		return err
	}
	state := "up to date"
	switch {
	case ms.Dirty:
		state = "DIRTY: a migration failed half-way; restore a backup or fix by hand"
	case ms.Current < ms.Latest:
		state = fmt.Sprintf("%d pending", ms.Latest-ms.Current)
	}
	fmt.Fprintf(g.Stdout, "%s database: version %d, latest %d, %s\n", st.Dialect(), ms.Current, ms.Latest, state)
	if ms.Dirty {
		return statusError(1)
	}
	return nil
}
