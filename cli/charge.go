package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"coin/config"
	"coin/date"
)

// ChargeCmd invoices subscription periods due on a day.
type ChargeCmd struct {
	Date   string `help:"Charge as of this day (YYYY-MM-DD, default today in the ISP's time zone)." placeholder:"YYYY-MM-DD"`
	DryRun bool   `help:"Only say what would be invoiced." name:"dry-run"`
}

func (c *ChargeCmd) Run(g *Globals) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var day date.Date
	return g.withApp(ctx, func(cfg *config.Config) (err error) {
		day, err = dayFlag(c.Date, cfg)
		return err
	}, func(a *app) error {
		var progress func(done, total int)
		if f, ok := g.Stdout.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			var bar *progressbar.ProgressBar
			progress = func(done, total int) {
				if bar == nil {
					bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(g.Stderr),
						progressbar.OptionSetDescription("charging members"), progressbar.OptionShowCount(),
						progressbar.OptionClearOnFinish())
				}
				bar.Set(done)
			}
		}
		sum, err := a.billing.Charge(ctx, day, c.DryRun, progress)
		if err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, sum)
		return nil
	})
}
