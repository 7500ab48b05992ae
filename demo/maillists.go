package demo

import (
	"context"
	"fmt"

	"coin/model"
	"coin/store"
)

// loadMaillists creates three lists with subscribers. The demo account
// "member" is on adherents and annonces, not on technique, so that the
// portal shows both buttons.
// It returns how many subscriptions it made.
func loadMaillists(ctx context.Context, tx *store.Store, members []*store.Member) (int, error) {
	lists := []*store.MailingList{
		{ShortName: "adherents", Email: "adherents@listes.demo.coin.example", Name: "Adhérents",
			Description: "La liste de tous les adhérents : assemblées générales, votes, vie de l'association."},
		{ShortName: "technique", Email: "technique@listes.demo.coin.example", Name: "Technique", Open: true,
			Description: "Discussions techniques : réseau, matériel, incidents, chantiers."},
		{ShortName: "annonces", Email: "annonces@listes.demo.coin.example", Name: "Annonces", Open: true,
			Description: "Quelques messages par an : nouvelles de l'association, travaux prévus."},
	}
	for _, l := range lists {
		if err := tx.CreateMailingList(ctx, l); err != nil {
			return 0, fmt.Errorf("demo list %s: %w", l.ShortName, err)
		}
	}
	n := 0
	for i, m := range members {
		var on []*store.MailingList
		if m.Status == model.StatusMember {
			on = append(on, lists[0])
		}
		if m.Role != model.RoleMember || i%6 == 1 {
			on = append(on, lists[1])
		}
		if i%2 == 1 || m.Login == "member" || m.Status == model.StatusNotMember {
			on = append(on, lists[2])
		}
		for _, l := range on {
			if _, err := tx.Subscribe(ctx, l.ID, m.ID); err != nil {
				return 0, fmt.Errorf("demo subscription of %s to %s: %w", m.Login, l.ShortName, err)
			}
			n++
		}
	}
	return n, nil
}
