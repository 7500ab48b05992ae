package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"coin/config"
	"coin/maillists"
	"coin/store"
)

// MaillistsSyncCmd pushes mailing lists to the list server.
type MaillistsSyncCmd struct {
	List string `help:"Push only this list (its short name)." placeholder:"NAME"`
}

func (m *MaillistsSyncCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, func(cfg *config.Config) error {
		if !cfg.Maillists.Enabled {
			return errors.New("mailing lists are turned off (maillists.enabled = false)")
		}
		if len(cfg.Maillists.SyncCommand) == 0 {
			return errors.New("maillists.sync_command is not set: there is no list server to push to")
		}
		return nil
	}, func(a *app) (err error) {
		var lists []*store.MailingList
		if m.List != "" {
			l, err := a.store.MailingListByShortName(ctx, m.List)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no mailing list named %q", m.List)
			}
			if err != nil {
				return err
			}
			lists = append(lists, l)
		} else if lists, err = a.store.MailingLists(ctx); err != nil {
			return err
		}
		failed := 0
		for _, l := range lists {
			run, err := a.lists.Sync(ctx, l.ID)
			switch {
			case errors.Is(err, maillists.ErrBusy):
				fmt.Fprintf(g.Stdout, "%s: skipped, another push of this list is running\n", l.ShortName)
			case err != nil:
				return fmt.Errorf("%s: %w", l.ShortName, err)
			case run.OK():
				fmt.Fprintf(g.Stdout, "%s: pushed %d addresses in %s\n", l.ShortName, run.Addresses, run.Duration.Round(1e6))
			default:
				failed++
				fmt.Fprintf(g.Stdout, "%s: FAILED: %s%s\n", l.ShortName, run.Error, outputHint(run.Output))
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d of %d lists could not be pushed (recorded; retried by the scheduled sync)", failed, len(lists))
		}
		if len(lists) == 0 {
			fmt.Fprintln(g.Stdout, "no mailing list to push")
		}
		return nil
	})
}

// outputHint is the first line of a failed command's output, for the terminal.
func outputHint(out string) string {
	out = strings.TrimSpace(out)
	if out == "" {
		return ""
	}
	line, _, _ := strings.Cut(out, "\n")
	return " (" + line + ")"
}
