package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// From an invoice's page the treasurer records a payment that settles
// that invoice first (not the member's oldest), and sends the invoice
// again; a forged invoice of another member records nothing, and support
// staff cannot do either.
func TestInvoicePageRecordsAPaymentForItAndResendsIt(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		a.addMember("helpdesk", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		oldest := a.validatedInvoice(alice, 3000)
		chosen := a.validatedInvoice(alice, 2500)
		bobs := a.validatedInvoice(bob, 1000)

		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get(fmt.Sprintf("/admin/invoices/%d", chosen.ID))
		link := fmt.Sprintf("/admin/payments/new?member_id=%d&amp;invoice_id=%d", alice.ID, chosen.ID)
		mustContain(t, page.Body, "Record a payment", link, "Send the invoice again")
		form := b.get(fmt.Sprintf("/admin/payments/new?member_id=%d&invoice_id=%d", alice.ID, chosen.ID))
		mustContain(t, form.Body, fmt.Sprintf(`name="invoice_id" value="%d"`, chosen.ID), `value="25.00"`, "settles invoice "+chosen.Number+" first")

		// Bob's invoice named with Alice as the member: refused, nothing recorded.
		forged := b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "invoice_id": {fmt.Sprint(bobs.ID)},
			"amount": {"10.00"}, "date": {a.today().String()}, "method": {"cheque"}, "label": {"forged"}})
		if forged.Status != http.StatusNotFound {
			t.Fatalf("payment for another member's invoice: %d", forged.Status)
		}
		res := b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "invoice_id": {fmt.Sprint(chosen.ID)},
			"amount": {"20.00"}, "date": {a.today().String()}, "method": {"cheque"}, "label": {"cheque 1234"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/admin/invoices/%d", chosen.ID) {
			t.Fatalf("record: %d %s", res.Status, res.Header.Get("Location"))
		}
		for _, c := range []struct {
			id   int64
			left int64
		}{{chosen.ID, 500}, {oldest.ID, 3000}, {bobs.ID, 1000}} {
			inv, err := a.store.InvoiceByID(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Remaining() != c.left {
				t.Errorf("invoice %s: %d left, want %d", inv.Number, inv.Remaining(), c.left)
			}
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/invoices/%d", chosen.ID)).Body, "allocated to the invoice first", "€20.00")

		before := a.outboxCount("invoice_new")
		if r := b.post(fmt.Sprintf("/admin/invoices/%d/resend", chosen.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("resend: %d", r.Status)
		}
		if got := a.outboxCount("invoice_new"); got != before+1 {
			t.Fatalf("resend queued %d e-mails", got-before)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/invoices/%d", chosen.ID)).Body, "queued to the member again")

		s := a.browser()
		s.login("helpdesk", "support-password")
		if r := s.post(fmt.Sprintf("/admin/invoices/%d/resend", chosen.ID), nil); r.Status != http.StatusForbidden {
			t.Errorf("support resends: %d", r.Status)
		}
		if got := a.outboxCount("invoice_new"); got != before+1 {
			t.Errorf("support's resend queued mail")
		}
	})
}
