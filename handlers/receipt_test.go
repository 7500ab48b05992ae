package handlers_test

import (
	"coin/pdftest"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"coin/config"
)

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf)
}

// A member gets a receipt for a paid fee, numbered, in their language,
// the same one when asking twice, and a tax receipt (cerfa 11580) with
// its mentions when the association gives them; a paid invoice gets a
// receipt, an unpaid one does not; another member's receipt is not found.
func TestMemberGetsReceipts(t *testing.T) {
	eachApp(t, func(c *config.Config) {
		c.Receipts.TaxReceipts = true
		c.Receipts.Object = "Fournir un accès à Internet neutre"
		c.Receipts.Place = "Lyon"
		c.Receipts.Signatory = "Camille Martin, trésorière"
	}, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		bobMember := a.addMember("bob", "member", "bob-password")
		fee := a.addFee(alice, a.today().AddDays(-10), a.today().AddYears(1).AddDays(-11))
		unpaid := a.validatedInvoice(alice, 2000)

		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/membership")
		mustContain(t, page.Body, "My receipts", fmt.Sprintf("/membership/fees/%d/receipt", fee.ID),
			fmt.Sprintf("/membership/fees/%d/tax-receipt", fee.ID))
		res := b.post(fmt.Sprintf("/membership/fees/%d/receipt", fee.ID), nil)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/receipts/") {
			t.Fatalf("receipt: %d %s", res.Status, res.Header.Get("Location"))
		}
		loc := res.Header.Get("Location")
		pdf := b.get(loc)
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("receipt pdf: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		year := a.today().Year()
		text := pdfText(t, []byte(pdf.Body))
		// Alice chose no language: the ISP's (French).
		for _, want := range []string{fmt.Sprintf("Reçu de cotisation n° RC-%d-0001", year), "15,00 €", "reconnaît avoir reçu", "Fait à Lyon"} {
			if !strings.Contains(text, want) {
				t.Errorf("fee receipt lacks %q:\n%s", want, text)
			}
		}
		if again := b.post(fmt.Sprintf("/membership/fees/%d/receipt", fee.ID), nil); again.Header.Get("Location") != loc {
			t.Errorf("a second request issued another receipt: %s", again.Header.Get("Location"))
		}

		tax := b.post(fmt.Sprintf("/membership/fees/%d/tax-receipt", fee.ID), nil)
		text = pdfText(t, []byte(b.get(tax.Header.Get("Location")).Body))
		for _, want := range []string{"cerfa n° 11580", fmt.Sprintf("RD-%d-0001", year), "Bénéficiaire des versements",
			"Fournir un accès à Internet neutre", "quinze euros", "article 200 du CGI", "Numéraire", "Donateur"} {
			if !strings.Contains(text, want) {
				t.Errorf("tax receipt lacks %q:\n%s", want, text)
			}
		}

		if r := b.post(fmt.Sprintf("/invoices/%d/receipt", unpaid.ID), nil); r.Status != http.StatusSeeOther ||
			strings.HasPrefix(r.Header.Get("Location"), "/receipts/") {
			t.Errorf("an unpaid invoice got a receipt: %d %s", r.Status, r.Header.Get("Location"))
		}
		mustContain(t, b.get("/membership").Body, fmt.Sprintf("RC-%d-0001", year), fmt.Sprintf("RD-%d-0001", year))

		bob := a.browser()
		bob.login("bob", "bob-password")
		if r := bob.get(loc); r.Status != http.StatusNotFound {
			t.Errorf("bob reads alice's receipt: %d", r.Status)
		}
		if r := bob.post(fmt.Sprintf("/membership/fees/%d/receipt", fee.ID), nil); r.Status != http.StatusNotFound {
			t.Errorf("bob gets a receipt for alice's fee: %d", r.Status)
		}

		// Bob reads English: his receipt is in English, numbered next.
		if _, err := a.store.DB().Exec(a.sql(`UPDATE members SET language = 'en' WHERE login = 'bob'`)); err != nil {
			t.Fatal(err)
		}
		bobs := a.addFee(bobMember, a.today().AddDays(-3), a.today().AddYears(1).AddDays(-4))
		r := bob.post(fmt.Sprintf("/membership/fees/%d/receipt", bobs.ID), nil)
		text = pdfText(t, []byte(bob.get(r.Header.Get("Location")).Body))
		for _, want := range []string{fmt.Sprintf("Membership fee receipt no. RC-%d-0002", year), "€15.00", "acknowledges receipt"} {
			if !strings.Contains(text, want) {
				t.Errorf("bob's receipt lacks %q:\n%s", want, text)
			}
		}
	})
}
