package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"coin/config"
	"coin/importer"
	"coin/store"
)

// ImportCmd imports members, membership fees or subscriptions from another
// system's CSV export, in one transaction: nothing is written while a line
// is bad, unless --skip-bad.
type ImportCmd struct {
	Kind    string `arg:"" enum:"members,fees,subscriptions" help:"What the file holds: members, fees or subscriptions (import members first)."`
	File    string `arg:"" help:"The CSV file." type:"path"`
	Profile string `help:"Layout of the file: coin, coin-django, galette or generic." default:"generic" placeholder:"P"`
	DryRun  bool   `help:"Check every line and tell what would be done; write nothing." name:"dry-run"`
	SkipBad bool   `help:"Import the valid lines even when some are bad." name:"skip-bad"`
}

func (c *ImportCmd) Run(g *Globals) error {
	// The audit log names the command line as the actor.
	ctx := store.WithActor(context.Background(), store.Actor{Name: "cli"})
	var data []byte
	return g.withApp(ctx, func(*config.Config) error {
		f, err := os.Open(c.File)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, importer.MaxFileSize+1))
		return err
	}, func(a *app) error {
		svc := &importer.Service{Store: a.store, Members: a.members, Fees: a.fees, Subs: a.subs, Log: a.log}
		loc := a.catalog.Locale("en", a.cfg.Location(), a.cfg.Billing.Currency)
		kind, _ := importer.ParseKind(c.Kind)
		res, err := svc.Import(ctx, kind, c.Profile, data, importer.Options{DryRun: c.DryRun, SkipBad: c.SkipBad, Actor: "cli"})
		var fe *importer.FileError
		if errors.As(err, &fe) {
			return fmt.Errorf("%s: %s: nothing imported", c.File, fe.Message(loc))
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, loc.Tf("import.read_as", map[string]any{"Encoding": res.Encoding, "Separator": res.Separator}))
		tw := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
		for _, l := range res.Lines {
			if l.Outcome == importer.Unchanged {
				continue
			}
			what := l.What
			if l.Outcome == importer.Skipped {
				what = loc.T(l.What)
			}
			fmt.Fprintf(tw, "line %d\t%s\t%s\t%s\n", l.Line, l.Ref, loc.T("import.outcome."+l.Outcome), what)
			for _, e := range l.Errors {
				fmt.Fprintf(tw, "\t\t\t%s\n", e.Message(loc))
			}
		}
		tw.Flush()
		switch {
		case c.DryRun:
			fmt.Fprintln(g.Stdout, "dry run, nothing imported: "+res.Summary(loc, "import.summary"))
		case !res.Written:
			fmt.Fprintln(g.Stdout, res.Summary(loc, "import.nothing_written"))
			return statusError(1)
		default:
			fmt.Fprintln(g.Stdout, res.Summary(loc, "import.done"))
		}
		return nil
	})
}
