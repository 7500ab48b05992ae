package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"coin/store"
)

// A payment typed by mistake is deleted from its page: the invoice
// reopens and the books get a reversal dated as the payment was; once its
// month is closed it cannot be; support staff cannot delete one.
func TestMistakenPaymentIsReversedWhileItsPeriodIsOpen(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		a.addMember("helpdesk", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		inv := a.validatedInvoice(alice, 3000)
		lastMonth := a.today().FirstOfMonth().AddMonths(-1)
		record := func(day string) *store.Payment {
			p := &store.Payment{MemberID: alice.ID, Method: "cheque", Date: lastMonth, AmountCents: 3000, Label: "cheque " + day}
			if _, err := a.billing.RecordPayment(ctx, p, "test"); err != nil {
				t.Fatal(err)
			}
			return p
		}
		p := record("1")
		if got, _ := a.store.InvoiceByID(ctx, inv.ID); got.Remaining() != 0 {
			t.Fatal("the payment did not settle the invoice")
		}
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		mustContain(t, b.get(fmt.Sprintf("/admin/payments/%d", p.ID)).Body, "Delete this payment")

		s := a.browser()
		s.login("helpdesk", "support-password")
		if r := s.post(fmt.Sprintf("/admin/payments/%d/delete", p.ID), nil); r.Status != http.StatusForbidden {
			t.Fatalf("support deletes a payment: %d", r.Status)
		}

		if r := b.post(fmt.Sprintf("/admin/payments/%d/delete", p.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if got, _ := a.store.InvoiceByID(ctx, inv.ID); got.Remaining() != 3000 {
			t.Errorf("the invoice did not reopen: %d left", got.Remaining())
		}
		var n int
		var day string
		if err := a.store.DB().QueryRow(a.sql(`SELECT COUNT(*), MIN(CAST(entry_date AS TEXT)) FROM journal_entries
			WHERE source_kind = 'payment_reversal' AND source_id = ?`), p.ID).Scan(&n, &day); err != nil || n != 1 {
			t.Fatalf("reversal entries: %d %v", n, err)
		}
		if len(day) < 10 || day[:10] != lastMonth.String() {
			t.Errorf("reversal dated %s, want %s", day, lastMonth)
		}
		var debit, credit int64
		if err := a.store.DB().QueryRow(a.sql(`SELECT COALESCE(SUM(debit_cents), 0), COALESCE(SUM(credit_cents), 0) FROM journal_lines`)).
			Scan(&debit, &credit); err != nil || debit != credit {
			t.Fatalf("the books do not balance: %d %d %v", debit, credit, err)
		}

		// Another, then last month is closed: it stays.
		q := record("2")
		b.get("/admin/accounting/periods")
		if r := b.post("/admin/accounting/periods", url.Values{"period": {lastMonth.String()[:7]}}); r.Status >= 400 {
			t.Fatalf("close %s: %d %s", lastMonth.String()[:7], r.Status, r.Body)
		}
		if r := b.post(fmt.Sprintf("/admin/payments/%d/delete", q.ID), nil); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("delete in a closed period: %d", r.Status)
		}
		if _, err := a.store.PaymentByID(ctx, q.ID); err != nil {
			t.Fatalf("the payment of a closed period went: %v", err)
		}
	})
}
