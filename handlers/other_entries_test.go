package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/config"
	"coin/model"
)

// From the import preview the treasurer books a gift as a donation of a
// member and the bank's charges as bank fees; a debit is never a
// donation, a bad account is a clear error; confirming writes both
// entries to the bank journal, leaves the transit debit ignored, and the
// donation's tax receipt is issued from its page and found in the donor's
// portal. A member cannot book.
func TestBankPreviewBooksLinesToAccounts(t *testing.T) {
	eachApp(t, func(c *config.Config) {
		c.Receipts.TaxReceipts = true
		c.Receipts.Object = "Fournir un accès à Internet neutre"
	}, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", model.RoleTreasurer, "treasurer-password")
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		a.addMember("bob", model.RoleMember, "bob-password")
		day := a.today().AddDays(-2)
		dmy := fmt.Sprintf("%02d/%02d/%d", day.Day(), day.Month(), day.Year())
		data := statement(t,
			dmy+";"+dmy+";;50,00;VIR SEPA UN CADEAU POUR VOUS;1,00",
			dmy+";"+dmy+";-4,20;;FRAIS TENUE DE COMPTE;1,00",
			dmy+";"+dmy+";-120,00;;PRLV SEPA TRANSIT SARL;1,00")
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		b.get("/admin/bank-imports")
		res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": data})
		m := importURL.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		id := m[1]
		line := func(n int) string { return fmt.Sprintf("/admin/bank-imports/%s/lines/%d", id, n) }
		page := b.get("/admin/bank-imports/" + id)
		mustContain(t, page.Body, `href="`+line(2)+`"`, "Ignored (debit)")

		row := b.get(line(2), "HX-Request", "true", "HX-Target", "line-2")
		mustContain(t, row.Body, "Or book the line to an account", `value="bank_fees"`, `value="expense"`, line(2)+"/book")
		mustNotContain(t, row.Body, `value="donation"`, `name="q"`)
		if r := b.post(line(2)+"/book", url.Values{"kind": {"donation"}}, "HX-Request", "true", "HX-Target", "line-2"); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "cannot be booked so") {
			t.Fatalf("a debit booked as a donation: %d\n%s", r.Status, r.Body)
		}
		if r := b.post(line(3)+"/book", url.Values{"kind": {"expense"}, "account": {"6 2 6"}, "label": {"Transit"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "1 to 20 letters or digits") {
			t.Fatalf("a bad account: %d\n%s", r.Status, r.Body)
		}
		mb := a.browser()
		mb.login("alice", "alice-password")
		if r := mb.post(line(2)+"/book", url.Values{"kind": {"bank_fees"}}); r.Status != http.StatusForbidden {
			t.Fatalf("a member books a line: %d", r.Status)
		}
		row = b.post(line(2)+"/book", url.Values{"kind": {"bank_fees"}}, "HX-Request", "true", "HX-Target", "line-2")
		if row.Status != http.StatusOK || row.Header.Get("HX-Reswap") != "none" {
			t.Fatalf("book: %d %s", row.Status, row.Body)
		}
		mustContain(t, row.Body, `<tr id="line-2" class="line-booked line-matched"`, "Booked to an account", "Bank fees · 627", "and 1 line booked to an account")
		if r := b.post(line(1)+"/book", url.Values{"kind": {"donation"}, "donor_member": {"alice"}, "label": {"Don"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("book the donation: %d %s", r.Status, r.Body)
		}
		mustContain(t, b.get("/admin/bank-imports/"+id).Body, "Donation · 7541", "Bank fees · 627", "and 2 lines booked to accounts",
			"2 booked to accounts", "0 unmatched", "1 debit ignored")

		if r := b.post("/admin/bank-imports/"+id+"/confirm", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM journal_entries WHERE journal = 'BQ' AND source_kind = 'other'`); n != 2 {
			t.Fatalf("%d entries in the bank journal, want 2", n)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM bank_lines WHERE journal_entry_id IS NOT NULL`); n != 2 {
			t.Fatalf("%d bank lines keep their entry, want 2", n)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM bank_lines`); n != 2 {
			t.Fatalf("the unbooked debit was recorded: %d bank lines", n)
		}
		mustContain(t, b.get("/admin/bank-imports/"+id).Body, "Booked to accounts", fmt.Sprintf("BQ%d-000001", a.today().Year()),
			fmt.Sprintf("BQ%d-000002", a.today().Year()))
		list := b.get("/admin/accounting/entries")
		mustContain(t, list.Body, "Donation", "Bank fees", "-€4.20", "€50.00", "Alice")
		donation := a.ledgerCount(`SELECT id FROM other_entries WHERE kind = 'donation'`)
		entry := fmt.Sprintf("/admin/accounting/entries/%d", donation)
		mustContain(t, b.get(entry).Body, "Issue the tax receipt", "BQ")
		r := b.post(entry+"/tax-receipt", nil)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != entry+"/tax-receipt.pdf" {
			t.Fatalf("tax receipt: %d %s", r.Status, r.Header.Get("Location"))
		}
		text := strings.Join(strings.Fields(pdfText(t, []byte(b.get(entry+"/tax-receipt.pdf").Body))), " ")
		year := a.today().Year()
		for _, want := range []string{"cerfa n° 11580", fmt.Sprintf("RD-%d-0001", year), "Bénéficiaire des versements",
			"Fournir un accès à Internet neutre", "cinquante euros", "50,00 €", "article 200 du CGI", "Numéraire", "Donateur",
			alice.DisplayName(), "Virement"} {
			if !strings.Contains(text, want) {
				t.Errorf("tax receipt lacks %q:\n%s", want, text)
			}
		}
		// The donor finds it in the portal; another member does not.
		portal := mb.get("/membership").Body
		mustContain(t, portal, fmt.Sprintf("RD-%d-0001", year), fmt.Sprintf("/donations/%d/receipt.pdf", donation))
		if r := mb.get(fmt.Sprintf("/donations/%d/receipt.pdf", donation)); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("alice's receipt: %d", r.Status)
		}
		bob := a.browser()
		bob.login("bob", "bob-password")
		if r := bob.get(fmt.Sprintf("/donations/%d/receipt.pdf", donation)); r.Status != http.StatusNotFound {
			t.Fatalf("bob reads alice's receipt: %d", r.Status)
		}
		if r := bob.get(entry); r.Status != http.StatusForbidden {
			t.Fatalf("bob reads the entry: %d", r.Status)
		}

		// A booked line dated into a closed month: the import is refused
		// with the month named, and nothing is written.
		old := statement(t, "10/03/2025;10/03/2025;-3,00;;COMMISSION;1,00")
		res = b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": old})
		m = importURL.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("upload: %d", res.Status)
		}
		if r := b.post("/admin/bank-imports/"+m[1]+"/lines/1/book", url.Values{"kind": {"bank_fees"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("book: %d", r.Status)
		}
		if r := b.post("/admin/accounting/periods", url.Values{"period": {"2025-03"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.Status)
		}
		r = b.post("/admin/bank-imports/"+m[1]+"/confirm", nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("confirm into a closed month: %d", r.Status)
		}
		mustContain(t, r.Body, "The period 2025-03 is closed")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM other_entries`); n != 2 {
			t.Fatalf("%d entries after the refusal, want 2", n)
		}

	})
}

// The treasurer types a cash expense and a cheque donation; bad input is
// a form error that writes nothing; a closed month refuses with the month
// named; a member or support staff cannot use the form.
func TestCashAndChequeEntryForm(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresor", model.RoleTreasurer, "pw-tresor-123")
		a.addMember("sup", model.RoleSupport, "pw-sup-12345")
		a.addMember("zoe", model.RoleMember, "pw-zoe-123456")
		for login, pw := range map[string]string{"sup": "pw-sup-12345", "zoe": "pw-zoe-123456"} {
			o := a.browser()
			o.login(login, pw)
			if r := o.get("/admin/accounting/entries/new"); r.Status != http.StatusForbidden {
				t.Fatalf("%s sees the form: %d", login, r.Status)
			}
			if r := o.post("/admin/accounting/entries/new", url.Values{"date": {a.today().String()}, "direction": {"out"},
				"kind": {"expense"}, "method": {"cash"}, "amount": {"5"}, "label": {"x"}}); r.Status != http.StatusForbidden {
				t.Fatalf("%s posts an entry: %d", login, r.Status)
			}
		}
		b := a.browser()
		b.lang = "fr"
		b.login("tresor", "pw-tresor-123")
		mustContain(t, b.get("/admin/accounting/entries/new").Body, "Nouvelle écriture espèces ou chèque", `name="donor_address"`, "7541")
		day := a.today().String()
		good := url.Values{"date": {day}, "direction": {"out"}, "kind": {"expense"}, "method": {"cash"}, "amount": {"12,50"},
			"label": {"Câbles RJ45"}, "counterparty": {"Quincaillerie du coin"}}
		with := func(k, v string) url.Values {
			out := url.Values{}
			for kk, vv := range good {
				out[kk] = vv
			}
			out.Set(k, v)
			return out
		}
		for _, bad := range []struct {
			form url.Values
			want string
		}{
			{with("amount", "douze"), "montant"},
			{with("kind", "donation"), "Une recette est un don"},
			{with("account", "60/6"), "1 à 20 lettres ou chiffres"},
			{with("label", ""), "Indiquez à quoi il correspond"},
		} {
			r := b.post("/admin/accounting/entries/new", bad.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%v: %d", bad.form, r.Status)
			}
			mustContain(t, r.Body, bad.want, `value="Quincaillerie du coin"`)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM other_entries`); n != 0 {
			t.Fatalf("bad input wrote %d entries", n)
		}
		r := b.post("/admin/accounting/entries/new", good)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/accounting/entries/") {
			t.Fatalf("cash expense: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		cashURL := r.Header.Get("Location")
		page := b.get(cashURL).Body
		year := a.today().Year()
		mustContain(t, page, "L&#39;écriture est enregistrée.", fmt.Sprintf("CA%d-000001", year), "606", "Espèces")
		r = b.post("/admin/accounting/entries/new", url.Values{"date": {day}, "direction": {"in"}, "kind": {"donation"},
			"method": {"check"}, "amount": {"100"}, "donor_name": {"Anne Généreuse"}, "donor_address": {"2 place du Marché\n35000 Rennes"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("cheque donation: %d\n%s", r.Status, r.Body)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
			WHERE e.journal = 'CA' AND l.account IN ('530', '606')`); n != 2 {
			t.Fatalf("the cash expense has %d lines on 530/606 in the cash journal", n)
		}
		if n := a.ledgerCount(`SELECT COUNT(*) FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
			WHERE e.journal = 'BQ' AND l.account IN ('512', '7541')`); n != 2 {
			t.Fatalf("the cheque donation has %d lines on 512/7541 in the bank journal", n)
		}
		mustContain(t, b.get("/admin/accounting/entries").Body, "Câbles RJ45", "Anne Généreuse", "Don", "Charge")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'other_entry.created'`); n != 2 {
			t.Fatalf("%d audit entries, want 2", n)
		}

		if r := b.post("/admin/accounting/periods", url.Values{"period": {"2025-03"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.Status)
		}
		r = b.post("/admin/accounting/entries/new", with("date", "2025-03-15"))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("entry into a closed month: %d", r.Status)
		}
		mustContain(t, r.Body, "La période 2025-03 est clôturée")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM other_entries`); n != 2 {
			t.Fatalf("%d entries after the refusal, want 2", n)
		}
		// The cash expense was a mistake: cancelled by a counter-entry,
		// once; support staff cannot.
		sb := a.browser()
		sb.login("sup", "pw-sup-12345")
		if r := sb.post(cashURL+"/cancel", nil); r.Status != http.StatusForbidden {
			t.Fatalf("support cancels an entry: %d", r.Status)
		}
		mustContain(t, b.get(cashURL).Body, "Annuler cette écriture")
		if r := b.post(cashURL+"/cancel", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d\n%s", r.Status, r.Body)
		}
		page = b.get(cashURL).Body
		mustContain(t, page, "sa contre-écriture est au journal", "Annulée le")
		mustNotContain(t, page, "Annuler cette écriture")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM journal_entries WHERE source_kind = 'other_cancel'`); n != 1 {
			t.Fatalf("%d counter-entries", n)
		}
		b.post(cashURL+"/cancel", nil)
		mustContain(t, b.get(cashURL).Body, "Cette écriture est annulée.")
		if n := a.ledgerCount(`SELECT COUNT(*) FROM journal_entries WHERE source_kind = 'other_cancel'`); n != 1 {
			t.Fatalf("cancelled twice: %d counter-entries", n)
		}
		mustContain(t, b.get("/admin/accounting/entries").Body, "Annulée")
	})
}
