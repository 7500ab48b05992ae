package handlers_test

import (
	"fmt"
	"testing"

	"coin/date"
	"coin/store"
)

// TestSubscriptionPagesShowPriceAndInvoicedUntil: the staff page of a
// subscription and the member's own list say the offer's price in the
// reader's format, its billing period and the last day invoiced ("not
// invoiced yet" before any); a free offer says free, with no warning.
func TestSubscriptionPagesShowPriceAndInvoicedUntil(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := t.Context()
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("admin", "admin", "admin-password")
		vpn := addOffer(t, a, "VPN", "vpn", true)
		vps := &store.Offer{Name: "Offer VPS", Reference: "VPS", Backend: "vps", BillingPeriodMonths: 12,
			PeriodFeeCents: 6000, SetupFeeCents: 2000, Open: true}
		free := &store.Offer{Name: "Offer list", Reference: "LIST", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
		for _, o := range []*store.Offer{vps, free} {
			if err := a.store.CreateOffer(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		sub := func(o *store.Offer) *store.Subscription {
			s := &store.Subscription{MemberID: alice.ID, OfferID: o.ID, StartDate: date.MustParse("2026-11-01")}
			if err := a.store.CreateSubscription(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		sVPN, sVPS, sFree := sub(vpn), sub(vps), sub(free)
		for _, p := range []store.ChargedPeriod{
			{SubscriptionID: sVPN.ID, From: date.MustParse("2026-11-01"), To: date.MustParse("2026-11-30")},
			{SubscriptionID: sVPN.ID, From: date.MustParse("2026-12-01"), To: date.MustParse("2026-12-31")},
			{SubscriptionID: sFree.ID, From: date.MustParse("2026-11-01"), To: date.MustParse("2026-11-30")},
		} {
			if err := a.store.RecordChargedPeriod(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		b := a.browser()
		b.login("admin", "admin-password")
		show := func(s *store.Subscription) string { return b.get(fmt.Sprintf("/admin/subscriptions/%d", s.ID)).Body }
		mustContain(t, show(sVPN), "Price", "€5.00", "Billing period", "Monthly", "Invoiced until", "31 Dec 2026")
		mustContain(t, show(sVPS), "€60.00", "setup fee €20.00", "Yearly", "Not invoiced yet")
		page := show(sFree)
		mustContain(t, page, "Price", "Free")
		mustNotContain(t, page, "Not invoiced yet", "Invoiced until", "Not billed", "€0.00")

		m := a.browser()
		m.login("alice", "alice-password")
		mustContain(t, m.get("/subscriptions").Body, "€5.00", "Monthly", "31 Dec 2026", "€60.00", "Yearly",
			"Not invoiced yet", "Free")
		m.lang = "fr"
		fr := m.get("/subscriptions").Body
		mustContain(t, fr, "Prix", "Mensuelle", "Annuelle", "Facturé jusqu&#39;au", "31/12/2026", "Pas encore facturé", "Gratuit",
			"frais de mise en service")
		mustNotContain(t, fr, "Monthly", "€5.00")
	})
}
