package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"coin/model"
)

// The link of the "new invoice" e-mail opens the invoice in the member's
// area, for that member only.
func TestInvoiceEmailLinkOpensThePortalPage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		a.addMember("bob", model.RoleMember, "bob-password")
		inv := a.validatedInvoice(alice, 1500)
		link, msg := lastMailLink(t, a, alice.Email)
		if msg.Kind != "invoice_new" || link == "" {
			t.Fatalf("last e-mail to alice: %s, link %q", msg.Kind, link)
		}
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get(link)
		if page.Status != http.StatusOK {
			t.Fatalf("alice follows %s: %d", link, page.Status)
		}
		mustContain(t, page.Body, inv.Number, "VPN", fmt.Sprintf("/invoices/%d/pdf", inv.ID))
		mustContain(t, b.get("/invoices").Body, `href="`+link+`"`)
		other := a.browser()
		other.login("bob", "bob-password")
		if res := other.get(link); res.Status != http.StatusNotFound {
			t.Fatalf("bob follows alice's invoice link: %d, want 404", res.Status)
		}
	})
}
