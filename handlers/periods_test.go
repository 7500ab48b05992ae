package handlers_test

import (
	"fmt"
	"net/url"
	"testing"

	"coin/model"
)

// The treasurer closes a month from the back office; support may not; a
// payment dated into it is refused with the period named, in French.
func TestClosePeriodPage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresor", model.RoleTreasurer, "pw-tresor-123")
		a.addMember("sup", model.RoleSupport, "pw-sup-12345")
		zoe := a.addMember("zoe", model.RoleMember, "pw-zoe-123456")

		sup := a.browser()
		sup.login("sup", "pw-sup-12345")
		if r := sup.get("/admin/accounting/periods"); r.Status != 403 {
			t.Fatalf("support sees the closing page: %d", r.Status)
		}
		if r := sup.post("/admin/accounting/periods", url.Values{"period": {"2025-03"}}); r.Status != 403 {
			t.Fatalf("support closes a period: %d", r.Status)
		}

		b := a.browser()
		b.lang = "fr"
		b.login("tresor", "pw-tresor-123")
		r := b.get("/admin/accounting/periods")
		mustContain(t, r.Body, "Périodes clôturées", "Aucune période")
		if r := b.post("/admin/accounting/periods", url.Values{"period": {"2099-01"}}); r.Status != 422 {
			t.Fatalf("closing a month to come: %d", r.Status)
		} else {
			mustContain(t, r.Body, "pas encore terminée")
		}
		if r := b.post("/admin/accounting/periods", url.Values{"period": {"2025-03"}}); r.Status != 303 && r.Status != 302 {
			t.Fatalf("close: %d\n%s", r.Status, r.Body)
		}
		mustContain(t, b.get("/admin/accounting/periods").Body, "<td>2025-03</td>", "tresor")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM accounting_log WHERE operation = 'period.closed'`); n != 1 {
			t.Fatalf("%d log entries", n)
		}

		r = b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(zoe.ID)}, "method": {"cash"},
			"date": {"2025-03-15"}, "amount": {"10,00"}, "label": {"espèces"}})
		if r.Status != 422 {
			t.Fatalf("payment into a closed month: %d", r.Status)
		}
		mustContain(t, r.Body, "La période 2025-03 est clôturée")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM payments`); n != 0 {
			t.Fatalf("%d payments", n)
		}
		// A fee typed on the member page: a form error on its payment day.
		r = b.post(fmt.Sprintf("/admin/members/%d/fees", zoe.ID), url.Values{"amount": {"15"}, "start_date": {"2025-03-01"},
			"payment_method": {"cash"}, "payment_date": {"2025-03-02"}})
		if r.Status != 422 {
			t.Fatalf("fee into a closed month: %d", r.Status)
		}
		mustContain(t, r.Body, "La période 2025-03 est clôturée")
	})
}

func (a *testApp) ledgerCount(q string) int {
	a.t.Helper()
	var n int
	if err := a.store.DB().QueryRow(q).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}
