package cli

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"coin/dump"
	"coin/store"
)

// LoadCmd loads a dump archive into an empty database.
type LoadCmd struct {
	From string `required:"" type:"path" help:"The archive written by coin dump." placeholder:"FILE"`
}

func (c *LoadCmd) Run(g *Globals) error {
	cfg, driver, dsn, err := g.database()
	if err != nil {
		return err
	}
	// The whole archive is checked before the database is even opened: a
	// bad one leaves nothing behind, not even an empty SQLite file.
	a, err := dump.Open(c.From)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer a.Close()
	m := a.Manifest
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(g.Stderr, "archive verified: %d tables, %d rows, schema %d, dumped from %s by coin %s at %s\n",
		len(m.Tables), rows, m.SchemaVersion, m.Dialect, m.CoinVersion, m.CreatedAt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, driver, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := a.Load(ctx, st, dump.LoadOptions{AccountingLog: cfg.Billing.AccountingLog, Progress: g.Stderr}); err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "loaded %d rows of %d tables into the %s database (schema %d)\n", rows, len(m.Tables), driver, m.SchemaVersion)
	if latest, err := store.LatestMigration(st.Dialect()); err == nil && m.SchemaVersion < latest {
		fmt.Fprintf(g.Stdout, "schema %d of %d: serve (or coin migrate) applies the pending migrations\n", m.SchemaVersion, latest)
	}
	return nil
}
