package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"coin/date"
	"coin/demo"
	"coin/ipam"
)

// DemoCmd loads demo data into the configured database.
type DemoCmd struct {
	Force   bool   `help:"Load even if the database already has members."`
	Members int    `help:"Generate a history for this many members instead of the 50-member demo (default 1000 with --months)."`
	Months  int    `help:"Months of invoices and payments of the generated history, the current one last (default 12 with --members)."`
	Seed    uint64 `help:"Seed of the generated history: the same seed gives the same data." default:"1"`
}

func (d *DemoCmd) Run(g *Globals) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if d.Members < 0 || d.Months < 0 {
		return fmt.Errorf("--members and --months must be positive")
	}
	generate := d.Members > 0 || d.Months > 0
	if generate && d.Members == 0 {
		d.Members = 1000
	}
	if generate && d.Months == 0 {
		d.Months = 12
	}
	return g.withApp(ctx, nil, func(a *app) error {
		if !d.Force || generate {
			n, err := a.store.CountMembers(ctx, "")
			if err != nil {
				return err
			}
			if n > 0 && generate {
				return fmt.Errorf("the database already has %d members: a history is generated into an empty database", n)
			}
			if n > 0 {
				return fmt.Errorf("the database already has %d members: use --force to add the demo data anyway", n)
			}
		}
		if generate {
			// One log line per address allocated would bury the progress.
			quiet, err := ipam.New(a.store, a.cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			sv := demo.Services{Store: a.store, Cfg: a.cfg, Billing: a.billing, IPAM: quiet, Bank: a.bank, Log: a.log}
			opts := demo.Options{Members: d.Members, Months: d.Months, Seed: d.Seed,
				Today: date.Today(a.cfg.Location()), Progress: g.Stderr}
			if f, ok := g.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
				opts.Charging = func(month int) func(done, total int) {
					var bar *progressbar.ProgressBar
					return func(done, total int) {
						if bar == nil {
							bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(g.Stderr),
								progressbar.OptionSetDescription(fmt.Sprintf("month %d/%d: charging members", month, d.Months)),
								progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
						}
						bar.Set(done)
					}
				}
			}
			_, err = demo.Generate(ctx, sv, opts)
			if err != nil {
				return err
			}
			if err := a.demoCollections(ctx); err != nil {
				return err
			}
			if _, err := a.books.Ledger().Backfill(ctx, a.store); err != nil {
				return err
			}
			fmt.Fprintln(g.Stdout, demo.Banner)
			return nil
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
		if err := a.demoCollections(ctx); err != nil {
			return err
		}
		if _, err := a.books.Ledger().Backfill(ctx, a.store); err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, demo.Banner)
		return nil
	})
}
