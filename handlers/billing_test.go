package handlers_test

import (
	"coin/pdftest"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"coin/date"
	"coin/store"
)

// chargedMember gives a member a VPN subscription and charges it: one
// validated invoice of 10.00.
func chargedMember(t *testing.T, a *testApp, login string) (*store.Member, *store.Invoice) {
	t.Helper()
	m := a.addMember(login, "member", login+"-password")
	o, err := a.store.OfferByReference(t.Context(), "VPN")
	if err != nil {
		o = addOffer(t, a, "VPN", "vpn", true)
		o.PeriodFeeCents = 1000
		a.store.UpdateOffer(t.Context(), o)
	}
	s := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-11-01")}
	if err := a.store.CreateSubscription(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if _, err := a.billing.Charge(t.Context(), date.MustParse("2026-11-01"), false, nil); err != nil {
		t.Fatal(err)
	}
	invs, _, _ := a.store.ListInvoices(t.Context(), store.InvoiceFilter{MemberID: m.ID})
	if len(invs) != 1 {
		t.Fatalf("%d invoices for %s", len(invs), login)
	}
	return m, invs[0]
}

func TestMemberSeesOwnInvoicesAndWhatTheyOwe(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		_, mine := chargedMember(t, a, "alice")
		_, theirs := chargedMember(t, a, "bob")
		b := a.browser()
		b.login("alice", "alice-password")
		home := b.get("/")
		mustContain(t, home.Body, "What I owe", "€10.00", mine.Number, "FR76 3000 6000 0112 3456 7890 189")
		mustNotContain(t, home.Body, theirs.Number)
		res := b.get(fmt.Sprintf("/invoices/%d/pdf", mine.ID))
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF") {
			t.Fatalf("own PDF: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		if res := b.get(fmt.Sprintf("/invoices/%d/pdf", theirs.ID)); res.Status != http.StatusNotFound {
			t.Fatalf("someone else's PDF: %d, want 404", res.Status)
		}
		if res := b.get(fmt.Sprintf("/admin/invoices/%d/pdf", theirs.ID)); res.Status != http.StatusForbidden {
			t.Fatalf("admin PDF route for a member: %d", res.Status)
		}
		list := b.get("/invoices")
		mustContain(t, list.Body, mine.Number)
		mustNotContain(t, list.Body, theirs.Number)
	})
}

func TestTreasurerRecordsPaymentAndInvoiceCloses(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice, inv := chargedMember(t, a, "alice")
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		// The member is found as one types, accents and case aside.
		opts := b.get("/admin/payments/member-options?member_q=ALI", "HX-Request", "true")
		mustContain(t, opts.Body, `id="payment-members"`, fmt.Sprintf("/admin/payments/new?member_id=%d", alice.ID), "1 member")
		mustNotContain(t, opts.Body, "<html")
		b.get(fmt.Sprintf("/admin/payments/new?member_id=%d", alice.ID))
		res := b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "amount": {"-3"},
			"date": {"2026-11-10"}, "method": {"transfer"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("negative payment: %d", res.Status)
		}
		mustContain(t, res.Body, "The amount must be more than zero.")
		res = b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "amount": {"12,00"},
			"date": {"2026-11-10"}, "method": {"transfer"}, "label": {"VIR ALICE " + inv.Number}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record payment: %d\n%s", res.Status, res.Body)
		}
		page := b.get(res.Header.Get("Location"))
		mustContain(t, page.Body, inv.Number, "€10.00", "€2.00")
		// What is left to pay of the invoice is what is left now, not what
		// was left before this payment.
		left := regexp.MustCompile(`<td>` + inv.Number + `</td>\s*<td class="right">([^<]*)</td>`).FindStringSubmatch(page.Body)
		if left == nil || left[1] != "€0.00" {
			t.Fatalf("left to pay on the payment's page: %q, want €0.00", left)
		}
		after, _ := a.store.InvoiceByID(t.Context(), inv.ID)
		if after.Remaining() != 0 {
			t.Fatalf("invoice not closed: %d left", after.Remaining())
		}
		// The invoice says when the money came and how.
		mustContain(t, b.get(fmt.Sprintf("/admin/invoices/%d", inv.ID)).Body, "10 Nov 2026", "Bank transfer · VIR ALICE "+inv.Number)
		member := b.get(fmt.Sprintf("/admin/members/%d", alice.ID))
		mustContain(t, member.Body, "Paid", "Credit", "€2.00")
		// Support sees a member's invoice, not the treasurer's list, and
		// cannot record payments.
		a.addMember("helper", "support", "helper-password")
		s := a.browser()
		s.login("helper", "helper-password")
		if res := s.get(fmt.Sprintf("/admin/invoices/%d", inv.ID)); res.Status != http.StatusOK {
			t.Fatalf("support opens the member's invoice: %d", res.Status)
		}
		if res := s.get("/admin/invoices"); res.Status != http.StatusForbidden {
			t.Fatalf("support lists invoices: %d, want 403", res.Status)
		}
		if res := s.get("/admin/payments/new"); res.Status != http.StatusForbidden {
			t.Fatalf("support payment form: %d", res.Status)
		}
	})
}

func TestOneOffInvoiceDraftValidateAndCredit(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		b.get(fmt.Sprintf("/admin/invoices/new?member_id=%d", alice.ID))
		res := b.post("/admin/invoices/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"line0_label": {"Routeur Turris"}, "line0_quantity": {"1"}, "line0_unit_price": {"abc"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad price: %d", res.Status)
		}
		res = b.post("/admin/invoices/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"line0_label": {"Routeur Turris"}, "line0_quantity": {"2"}, "line0_unit_price": {"45,00"},
			"line1_label": {"Câble"}, "line1_unit_price": {"3"}, "line1_tax_rate": {"20"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("draft: %d\n%s", res.Status, res.Body)
		}
		draft := res.Header.Get("Location")
		page := b.get(draft)
		mustContain(t, page.Body, "Draft", "€90.00", "€93.00", "€0.60", "€93.60", "20%")
		res = b.post(draft+"/validate", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("validate: %d\n%s", res.Status, res.Body)
		}
		page = b.get(draft)
		year := date.Today(a.cfg.Location()).Year()
		mustContain(t, page.Body, fmt.Sprintf("%d-000001", year), "Issue the credit note")
		// A validated invoice cannot be edited or deleted.
		if res := b.post(draft+"/delete", nil); res.Status != http.StatusConflict {
			t.Fatalf("delete validated: %d", res.Status)
		}
		res = b.post(draft+"/credit", url.Values{"amount": {"100"}, "label": {"Erreur"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("credit above total: %d", res.Status)
		}
		res = b.post(draft+"/credit", url.Values{"amount": {"3,60"}, "label": {"Câble offert"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("credit: %d\n%s", res.Status, res.Body)
		}
		cn := b.get(res.Header.Get("Location"))
		mustContain(t, cn.Body, fmt.Sprintf("AV-%d-000001", year), "Câble offert")
		csv := b.get("/admin/invoices.csv")
		if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || strings.Count(csv.Body, "\n") != 3 {
			t.Fatalf("csv:\n%s", csv.Body)
		}
	})
}

func TestPDFTextWithPdftotext(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		m, inv := chargedMember(t, a, "zoe")
		m.FirstName, m.LastName = "Zoé", "Straße-Éluard"
		a.store.UpdateMember(t.Context(), m)
		// The PDF is frozen at validation: a new invoice shows the new name.
		a.billing.Charge(t.Context(), date.MustParse("2026-12-01"), false, nil)
		invs, _, _ := a.store.ListInvoices(t.Context(), store.InvoiceFilter{MemberID: m.ID, Status: "validated"})
		var dec *store.Invoice
		for _, i := range invs {
			if i.ID != inv.ID {
				dec = i
			}
		}
		pdf, err := a.store.InvoicePDF(t.Context(), dec.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, pdf)
		for _, want := range []string{dec.Number, "Zoé Straße-Éluard", "10,00 €", "FR76 3000 6000 0112 3456 7890 189"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
	})
}

func TestPaymentOfAFeeCannotBeReallocated(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice, inv := chargedMember(t, a, "alice")
		a.addMember("tres", "treasurer", "tres-password")
		p := &store.Payment{MemberID: alice.ID, Method: "transfer", Date: date.MustParse("2026-11-05"), AmountCents: 2000, Label: "COTISATION"}
		if err := a.store.CreatePayment(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		fee := &store.MembershipFee{MemberID: alice.ID, Amount: 2000, StartDate: date.MustParse("2026-11-01"),
			EndDate: date.MustParse("2027-10-31"), PaymentMethod: "transfer", PaymentID: &p.ID}
		if err := a.store.CreateMembershipFee(t.Context(), fee); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("tres", "tres-password")
		page := b.get(fmt.Sprintf("/admin/payments/%d", p.ID))
		mustContain(t, page.Body, "This payment paid a membership fee")
		mustNotContain(t, page.Body, "/allocate")
		res := b.post(fmt.Sprintf("/admin/payments/%d/allocate", p.ID), url.Values{fmt.Sprintf("alloc_%d", inv.ID): {"10,00"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("re-allocating a fee payment: %d", res.Status)
		}
		mustContain(t, res.Body, "This payment paid a membership fee")
		if allocs, _ := a.store.PaymentAllocations(t.Context(), p.ID); len(allocs) != 0 {
			t.Fatalf("allocated: %+v", allocs)
		}
		if after, _ := a.store.InvoiceByID(t.Context(), inv.ID); after.Remaining() != 1000 {
			t.Fatalf("invoice settled by the fee's money: %d left", after.Remaining())
		}
	})
}

func TestDraftLinesOutOfBoundsOrNotPositiveAreFormErrors(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		b.get(fmt.Sprintf("/admin/invoices/new?member_id=%d", alice.ID))
		post := func(lines ...[3]string) response {
			t.Helper()
			v := url.Values{"member_id": {fmt.Sprint(alice.ID)}}
			for i, l := range lines {
				p := fmt.Sprintf("line%d_", i)
				v.Set(p+"label", l[0])
				v.Set(p+"quantity", l[1])
				v.Set(p+"unit_price", l[2])
			}
			return b.post("/admin/invoices/new", v)
		}
		for _, c := range []struct {
			lines [][3]string
			want  string
		}{
			{[][3]string{{"Remise", "1", "-10"}}, "total must be more than zero"},
			{[][3]string{{"Rien", "1", "0"}}, "total must be more than zero"},
			{[][3]string{{"Routeur", "1", "10"}, {"Remise", "1", "-10"}}, "total must be more than zero"},
			{[][3]string{{"Fibre", "1", "1000000,01"}}, "unit price of at most 1,000,000.00"},
			{[][3]string{{"Fibre", "100001", "1"}}, "from 1 to 100,000"},
			{[][3]string{{"Fibre", "92233720368547758", "92233720368547758"}}, "Correct the lines"},
			{[][3]string{{"Fibre", "1", "-"}}, "Enter an amount such as 12.50"},
		} {
			res := post(c.lines...)
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%v: %d", c.lines, res.Status)
			}
			mustContain(t, res.Body, c.want)
		}
		if invs, _, _ := a.store.ListInvoices(t.Context(), store.InvoiceFilter{}); len(invs) != 0 {
			t.Fatalf("%d invoices written", len(invs))
		}
		// A discount beside a larger line is fine, and so are the bounds.
		if res := post([3]string{"Routeur", "100000", "1000000"}, [3]string{"Remise", "1", "-1000000"}); res.Status != http.StatusSeeOther {
			t.Fatalf("discount: %d\n%s", res.Status, res.Body)
		}
	})
}
