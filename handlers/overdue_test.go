package handlers_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"coin/billing"
	"coin/date"
	"coin/store"
)

// pastInvoice is a validated invoice issued in June 2026: long overdue.
func (a *testApp) pastInvoice(m *store.Member, cents int64) *store.Invoice {
	a.t.Helper()
	ctx := context.Background()
	d, err := a.billing.CreateDraft(ctx, m.ID, []billing.LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: cents}}, "test")
	if err != nil {
		a.t.Fatal(err)
	}
	inv, err := a.billing.ValidateDraft(ctx, d.ID, date.MustParse("2026-06-01"), "test")
	if err != nil {
		a.t.Fatal(err)
	}
	return inv
}

func TestOverduePage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMemberQuick("bob")
		a.pastInvoice(alice, 4200)
		a.pastInvoice(bob, 1000)

		// A member may not see it, nor send reminders.
		m := a.browser()
		m.login("alice", "alice-password")
		if r := m.get("/admin/overdue"); r.Status != 403 && r.Status != 404 {
			t.Fatalf("member sees the overdue page: %d", r.Status)
		}
		if r := m.post("/admin/overdue/remind", url.Values{"member_id": {strconv.FormatInt(bob.ID, 10)}}); r.Status < 400 {
			t.Fatalf("member sends reminders: %d", r.Status)
		}
		if n := a.outboxCount("payment_reminder"); n != 0 {
			t.Fatalf("%d reminders after a refused request", n)
		}

		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get("/admin/overdue")
		mustContain(t, page.Body, "Alice", "bob", "42.00", "10.00")
		if strings.Index(page.Body, "42.00") > strings.Index(page.Body, "10.00") {
			t.Fatal("not sorted by amount")
		}
		// Filters: at least 20 € leaves bob out.
		if body := b.get("/admin/overdue?min=20").Body; strings.Contains(body, ">bob<") || !strings.Contains(body, "42.00") {
			t.Fatalf("min filter:\n%s", body)
		}
		csv := b.get("/admin/overdue.csv")
		mustContain(t, csv.Body, "member_login,", "alice,", "42.00")

		// Bulk "send a reminder now", once a day each.
		for range 2 {
			b.post("/admin/overdue/remind", url.Values{"member_id": {strconv.FormatInt(alice.ID, 10), strconv.FormatInt(bob.ID, 10)}})
		}
		if n := a.outboxCount("payment_reminder"); n != 2 {
			t.Fatalf("%d reminders, want 2", n)
		}

		// Do not remind, with a reason, shown on the member page.
		b.post("/admin/members/"+strconv.FormatInt(bob.ID, 10)+"/collections", url.Values{"no_remind": {"1"},
			"no_remind_reason": {"plan de paiement"}})
		mp := b.get("/admin/members/" + strconv.FormatInt(bob.ID, 10))
		mustContain(t, mp.Body, "plan de paiement", "Reminder", "Settings changed")
		mustContain(t, b.get("/admin/overdue?state=no_remind").Body, "bob")
	})
}
