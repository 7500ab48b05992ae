package store_test

import (
	"context"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// The scrape-time counts of /metrics: live members, subscriptions not ended
// by state, the database's size.
func TestMetricsCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i, st := range []string{model.StatusMember, model.StatusMember, model.StatusPending, model.StatusNotMember} {
			m := newMember("m"+string(rune('a'+i)), "M", "X")
			m.Status = st
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		live, err := s.CountLiveMembers(ctx)
		if err != nil || live[model.StatusMember] != 2 || live[model.StatusPending] != 1 || len(live) != 2 {
			t.Fatalf("live members: %v %v", live, err)
		}

		m, err := s.MemberByLogin(ctx, "ma")
		if err != nil {
			t.Fatal(err)
		}
		vpn := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500}
		if err := s.CreateOffer(ctx, vpn); err != nil {
			t.Fatal(err)
		}
		d := date.MustParse
		today := d("2026-06-15")
		for _, p := range []struct {
			start, resign string
			suspended     bool
		}{
			{"2026-01-01", "", false},           // active
			{"2026-02-01", "2026-12-31", false}, // active, resigns later
			{"2026-03-01", "", true},            // suspended
			{"2026-07-01", "", false},           // upcoming
			{"2026-01-01", "2026-06-15", false}, // ended today
			{"2025-01-01", "2025-12-31", false}, // ended
		} {
			sub := &store.Subscription{MemberID: m.ID, OfferID: vpn.ID, StartDate: d(p.start), Suspended: p.suspended}
			if p.resign != "" {
				sub.ResignDate = d(p.resign)
			}
			if err := s.CreateSubscription(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.CountSubscriptionStates(ctx, today)
		if want := (store.SubscriptionStates{Active: 2, Suspended: 1, Upcoming: 1}); err != nil || got != want {
			t.Fatalf("subscription states: %+v %v, want %+v", got, err, want)
		}
		if n, err := s.CountActiveSubscriptions(ctx, today); err != nil || n != got.Active+got.Suspended {
			t.Fatalf("active subscriptions %d %v, states %+v", n, err, got)
		}

		size, err := s.DatabaseSize(ctx)
		if err != nil || size < 4096 {
			t.Fatalf("database size: %d %v", size, err)
		}
	})
}
