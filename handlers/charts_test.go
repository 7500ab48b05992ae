package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"coin/billing"
	"coin/model"
	"coin/store"
)

// The treasurer's charts are drawn by the server and carry their figures
// as a table: this month's invoice and payment, an overdue invoice in its
// age bucket, the members, and a fee falling due show in both languages;
// a member and support staff are refused.
func TestChartsShowTheYearsFigures(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		a.addMember("helpdesk", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		today := a.today()
		validated := func(cents int64, on string) *store.Invoice {
			d, err := a.billing.CreateDraft(ctx, alice.ID, []billing.LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: cents}}, "test")
			if err != nil {
				t.Fatal(err)
			}
			day := today
			if on == "old" {
				day = today.AddDays(-75)
			}
			inv, err := a.billing.ValidateDraft(ctx, d.ID, day, "test")
			if err != nil {
				t.Fatal(err)
			}
			return inv
		}
		validated(4321, "old")
		validated(2000, "today")
		if _, err := a.billing.RecordPayment(ctx, &store.Payment{MemberID: alice.ID, Method: model.PayTransfer,
			Date: today, AmountCents: 1234}, "test"); err != nil {
			t.Fatal(err)
		}
		a.addFee(alice, today.AddYears(-1).AddDays(11), today.AddDays(10))

		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get("/admin/charts")
		if page.Status != http.StatusOK {
			t.Fatalf("charts: %d %s", page.Status, page.Body)
		}
		mustContain(t, page.Body, "Invoiced and collected per month", `role="img"`, "<svg", "<rect class=\"bar s1\"",
			"Overdue by age", "Members and subscriptions over time", "Membership fees falling due in the next 30 days",
			fmt.Sprintf("<th scope=\"row\">%s %d</th><td class=\"right\">€20.00</td><td class=\"right\">€12.34</td>", today.Month(), today.Year()), "€43.21", "€15.00")
		// The old invoice, less the payment that settled part of it, is
		// overdue by more than 30 days: not in the first bucket.
		overdue := page.Body[strings.Index(page.Body, `id="chart-overdue-h"`):]
		overdue = overdue[:strings.Index(overdue, "</figure>")]
		first := overdue[strings.Index(overdue, "1–30 days"):]
		first = first[:strings.Index(first, "</tr>")]
		mustContain(t, first, "€0.00")
		mustContain(t, overdue, "€30.87")

		b.lang = "fr"
		mustContain(t, b.get("/admin/charts").Body, "Facturé et encaissé par mois", "43,21", "Cotisations arrivant à échéance")
		for _, who := range []struct{ login, password string }{{"alice", "alice-password"}, {"helpdesk", "support-password"}} {
			o := a.browser()
			o.login(who.login, who.password)
			if r := o.get("/admin/charts"); r.Status != http.StatusForbidden {
				t.Errorf("%s sees the charts: %d", who.login, r.Status)
			}
		}
	})
}
