package store_test

import (
	"context"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// The dashboard's counts in one query each agree with the plain ones.
func TestDashboardCountsAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("zoe", "Zoé", "X")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		vpn := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500}
		if err := s.CreateOffer(ctx, vpn); err != nil {
			t.Fatal(err)
		}
		d := date.MustParse
		for _, p := range [][2]string{{"2026-01-15", ""}, {"2026-02-01", "2026-04-01"}, {"2026-03-10", "2026-03-10"},
			{"2026-03-31", "2026-06-30"}, {"2026-06-01", ""}, {"2026-08-01", ""}} {
			sub := &store.Subscription{MemberID: m.ID, OfferID: vpn.ID, StartDate: d(p[0])}
			if p[1] != "" {
				sub.ResignDate = d(p[1])
			}
			if err := s.CreateSubscription(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		days := []date.Date{d("2025-12-31"), d("2026-01-31"), d("2026-02-28"), d("2026-03-10"), d("2026-03-31"),
			d("2026-04-01"), d("2026-06-30"), d("2026-07-31")}
		got, err := s.CountActiveSubscriptionsOn(ctx, days)
		if err != nil {
			t.Fatal(err)
		}
		want := []int{0, 1, 2, 2, 3, 2, 2, 2}
		for i, day := range days {
			n, err := s.CountActiveSubscriptions(ctx, day)
			if err != nil {
				t.Fatal(err)
			}
			if got[i] != n || n != want[i] {
				t.Errorf("%s: one query says %d, a count %d, want %d", day, got[i], n, want[i])
			}
		}
		if _, err := s.CountActiveSubscriptionsOn(ctx, []date.Date{d("2026-02-01"), d("2026-01-01")}); err == nil {
			t.Error("days out of order accepted")
		}

		byStatus, err := s.CountMembersByStatus(ctx)
		if err != nil || byStatus[model.StatusMember] != 1 || len(byStatus) != 1 {
			t.Fatalf("members by status: %v %v", byStatus, err)
		}
		if n, err := s.CountMessages(ctx, model.OutboxQueued, 10); err != nil || n != 0 {
			t.Fatalf("queued messages: %d %v", n, err)
		}
	})
}
