package cli

import (
	"context"
	"errors"
	"fmt"

	"coin/date"
	"coin/store"
)

// MembersEmailCmd prints members' addresses, one a line, to feed a mailing
// list or a mail client.
type MembersEmailCmd struct {
	Status             string `help:"Status of the members: member, pending, not_member or all." enum:"member,pending,not_member,all" default:"member"`
	Fee                string `help:"Membership fee on the day: up-to-date, or expired (never paid included)." enum:",up-to-date,expired" default:"" placeholder:"up-to-date|expired"`
	Offer              string `help:"Only members with an active subscription to the offer of this reference." placeholder:"REF"`
	ActiveSubscription bool   `help:"Only members with at least one active subscription." name:"active-subscription"`
	List               string `help:"Only members on this mailing list (its short name)." placeholder:"NAME"`
}

func (m *MembersEmailCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		f := store.MemberEmailFilter{Status: m.Status, Fee: m.Fee, Offer: m.Offer,
			ActiveSubscription: m.ActiveSubscription, List: m.List, Today: date.Today(a.cfg.Location())}
		if f.Status == "all" {
			f.Status = ""
		}
		addrs, err := a.store.MemberEmails(ctx, f)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("no mailing list named %q", m.List)
		case err != nil:
			return err
		}
		for _, a := range addrs {
			fmt.Fprintln(g.Stdout, a)
		}
		return nil
	})
}
