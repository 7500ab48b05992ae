package cli

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"coin/dump"
	"coin/store"
)

// DumpCmd writes the whole database as a portable archive.
type DumpCmd struct {
	Output string `required:"" short:"o" type:"path" help:"The archive to write (zip), atomically: e.g. coin-dump.zip." placeholder:"FILE"`
}

func (c *DumpCmd) Run(g *Globals) error {
	cfg, driver, dsn, err := g.database()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// Dumps the database as it is: no migration, nothing created.
	st, err := store.OpenExisting(ctx, driver, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := dump.Write(ctx, st, c.Output, dump.Options{AccountingLog: cfg.Billing.AccountingLog,
		CoinVersion: Version(), Progress: g.Stderr})
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(g.Stdout, "dump written to %s: %d tables, %d rows, schema %d, from %s\n",
		c.Output, len(m.Tables), rows, m.SchemaVersion, m.Dialect)
	return nil
}
