package handlers_test

import (
	"fmt"
	"net/url"
	"testing"
)

// English pages write "Member: …" and 45.00; French ones "Membre : …" and 45,00.
func TestLabelColonAndDecimalMarkFollowTheLanguage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		b.get(fmt.Sprintf("/admin/invoices/new?member_id=%d", alice.ID))
		res := b.post("/admin/invoices/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"line0_label": {"Routeur"}, "line0_quantity": {"1"}, "line0_unit_price": {"45,00"}})
		draft := res.Header.Get("Location")
		if draft == "" {
			t.Fatalf("draft: %d\n%s", res.Status, res.Body)
		}
		page := b.get(draft + "/edit")
		mustContain(t, page.Body, "Member: <strong>", `value="45.00"`, `value="0.00"`)
		mustNotContain(t, page.Body, "Member : ", `value="45,00"`)
		pay := b.get(fmt.Sprintf("/admin/payments/new?member_id=%d", alice.ID))
		mustContain(t, pay.Body, "Member: <strong>")
		b.lang = "fr"
		page = b.get(draft + "/edit")
		mustContain(t, page.Body, "Membre\u00a0: <strong>", `value="45,00"`, `value="0,00"`)
	})
}

// The French status badge is not gendered: "Membre", not "Adhérent".
func TestFrenchStatusBadgeSaysMembre(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		emilie := a.addMember("emilie", "member", "emilie-password")
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.lang = "fr"
		b.login("admin", "admin-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", emilie.ID))
		mustContain(t, page.Body, `<span class="badge ok">Membre</span>`)
		mustNotContain(t, page.Body, ">Adhérent<")
		list := b.get("/admin/members")
		mustContain(t, list.Body, `<span class="badge ok">Membre</span>`)
	})
}
