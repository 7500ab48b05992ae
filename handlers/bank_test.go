package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/store"
)

// statement writes lines in Crédit Mutuel's layout and encoding.
func statement(t *testing.T, rows ...string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n" + strings.Join(rows, "\r\n") + "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (a *testApp) validatedInvoice(m *store.Member, cents int64) *store.Invoice {
	a.t.Helper()
	ctx := context.Background()
	d, err := a.billing.CreateDraft(ctx, m.ID, []billing.LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: cents}}, "test")
	if err != nil {
		a.t.Fatal(err)
	}
	inv, err := a.billing.ValidateDraft(ctx, d.ID, date.MustParse("2027-02-01"), "test")
	if err != nil {
		a.t.Fatal(err)
	}
	return inv
}

var importURL = regexp.MustCompile(`/admin/bank-imports/(\d+)$`)

func TestBankImportUploadPreviewFixConfirm(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		inv := a.validatedInvoice(alice, 3000)
		bobInv := a.validatedInvoice(bob, 2000)
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get("/admin/bank-imports")
		mustContain(t, page.Body, `enctype="multipart/form-data"`, `value="credit_mutuel"`, `value="camt053"`, "Crédit Mutuel")

		data := statement(t,
			fmt.Sprintf("02/03/2027;02/03/2027;;30,00;VIR SEPA ALICE TEST %s;1,00", inv.Number),
			"03/03/2027;03/03/2027;-12,50;;PRLV SEPA OVH;1,00",
			"04/03/2027;04/03/2027;;20,00;VIREMENT ANONYME;1,00",
			fmt.Sprintf("05/03/2027;05/03/2027;;15,00;COTISATION ADH-%d;1,00", bob.ID))
		res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": data})
		m := importURL.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("upload: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		id := m[1]
		if _, n, _, _ := a.store.ListPayments(context.Background(), store.PaymentFilter{}); n != 0 {
			t.Fatal("the preview recorded payments")
		}
		page = b.get("/admin/bank-imports/" + id)
		mustContain(t, page.Body, "VIR SEPA ALICE TEST", "Matched", "by invoice number", "invoice "+inv.Number,
			"Ignored (debit)", "Unmatched", "by membership reference", "membership fee", "Import 2 payments (€45.00)")

		// A member or a form without CSRF cannot touch it.
		mb := a.browser()
		mb.login("alice", "alice-password")
		if r := mb.get("/admin/bank-imports/" + id); r.Status != http.StatusForbidden {
			t.Fatalf("member sees the import: %d", r.Status)
		}
		if r := b.postRaw("/admin/bank-imports/"+id+"/confirm", url.Values{}); r.Status != http.StatusForbidden {
			t.Fatalf("confirm without CSRF: %d", r.Status)
		}

		// The unmatched line is given to Bob's invoice by hand: htmx gets rows.
		lineURL := "/admin/bank-imports/" + id + "/lines/3"
		row := b.get(lineURL+"?q=bob", "HX-Request", "true", "HX-Target", "line-3")
		mustContain(t, row.Body, `<tr id="line-3"`, "member_id="+fmt.Sprint(bob.ID))
		mustNotContain(t, row.Body, "<html")
		row = b.get(fmt.Sprintf("%s?member_id=%d", lineURL, bob.ID), "HX-Request", "true", "HX-Target", "line-3")
		mustContain(t, row.Body, fmt.Sprintf(`value="invoice:%d"`, bobInv.ID), `value="fee"`, `value="credit"`, `value="none"`)
		bad := b.post(lineURL, url.Values{"member_id": {fmt.Sprint(bob.ID)}, "target": {fmt.Sprintf("invoice:%d", inv.ID)}},
			"HX-Request", "true", "HX-Target", "line-3")
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "cannot be matched so") {
			t.Fatalf("another member's invoice: %d\n%s", bad.Status, bad.Body)
		}
		row = b.post(lineURL, url.Values{"member_id": {fmt.Sprint(bob.ID)}, "target": {fmt.Sprintf("invoice:%d", bobInv.ID)}},
			"HX-Request", "true", "HX-Target", "line-3")
		if row.Status != http.StatusOK {
			t.Fatalf("fix: %d %s", row.Status, row.Body)
		}
		if row.Header.Get("HX-Reswap") != "none" {
			t.Fatal("the fix answer would also be swapped into the row")
		}
		mustContain(t, row.Body, `<template><tr id="line-3" class="line-matched" hx-swap-oob="true"`, "chosen by hand", "invoice "+bobInv.Number,
			`id="bank-summary" hx-swap-oob="true"`, "3 matched", `id="bank-confirm"`, "Import 3 payments (€65.00)")
		if r := b.post("/admin/bank-imports/"+id+"/lines/2", url.Values{"member_id": {fmt.Sprint(bob.ID)}, "target": {"credit"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a debit matched by hand: %d", r.Status)
		}

		res = b.post("/admin/bank-imports/"+id+"/confirm", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		page = b.get("/admin/bank-imports/" + id)
		mustContain(t, page.Body, "The statement was imported.", "Imported")
		mustNotContain(t, page.Body, "/confirm")
		ps, n, _, _ := a.store.ListPayments(context.Background(), store.PaymentFilter{})
		if n != 3 {
			t.Fatalf("%d payments: %+v", n, ps)
		}
		for _, x := range []*store.Invoice{inv, bobInv} {
			if got, _ := a.store.InvoiceByID(context.Background(), x.ID); got.Remaining() != 0 {
				t.Errorf("invoice %s not settled", got.Number)
			}
		}
		if r := b.post("/admin/bank-imports/"+id+"/confirm", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("second confirm: %d", r.Status)
		}
		if _, n, _, _ := a.store.ListPayments(context.Background(), store.PaymentFilter{}); n != 3 {
			t.Fatalf("confirmed twice: %d payments", n)
		}

		// The same file again: everything imported shows as such.
		res = b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": data})
		page = b.get(res.Header.Get("Location"))
		mustContain(t, page.Body, "3 already imported", "1 debit ignored", "Import 0 payments")
	})
}

// The preview says how the file was read: a UTF-8 export under the
// Windows-1252 profile, ending with a balance; a CAMT.053 statement
// uploaded under a CSV profile.
func TestBankPreviewSaysHowTheFileWasRead(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		b.get("/admin/bank-imports")
		utf8CSV := []byte("\ufeffDate;Date de valeur;Débit;Crédit;Libellé;Solde\r\n" +
			"02/03/2027;02/03/2027;;30,00;VIR SEPA LEFÈVRE ÉLODIE;1 030,00\r\n\r\nSolde en début de période;;;39916,24;;\r\n")
		res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": utf8CSV})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", res.Status, res.Body)
		}
		page := b.get(res.Header.Get("Location"))
		mustContain(t, page.Body, "LEFÈVRE ÉLODIE", "Read as CSV with the profile credit_mutuel, in the utf-8 encoding.",
			"1 line after the last entry (a balance or total) was left out.")
		camt := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2027-03-02+01:00</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>`)
		res = b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, map[string][]byte{"statement": camt})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload camt: %d\n%s", res.Status, res.Body)
		}
		page = b.get(res.Header.Get("Location"))
		mustContain(t, page.Body, "Read as a CAMT.053 XML statement.")
		mustNotContain(t, page.Body, "left out")
	})
}

func TestBankImportRefusesBadFilesWritingNothing(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Bank.MaxFileSize = 4096 }, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		a.addMember("support", "support", "support-password")
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		b.get("/admin/bank-imports")
		good := statement(t, "02/03/2027;02/03/2027;;30,00;VIR X;1,00")
		for name, c := range map[string]struct {
			format string
			data   []byte
			want   string
		}{
			"too large":   {"credit_mutuel", append(good, []byte(strings.Repeat(";\r\n", 3000))...), "larger than allowed"},
			"xml as csv":  {"credit_mutuel", []byte(`<?xml version="1.0"?><Document/>`), "This file is XML but not a CAMT.053 statement"},
			"zip":         {"credit_mutuel", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe releve.csv"), "This looks like a ZIP archive"},
			"bad format":  {"ofx", good, "not in the chosen format"},
			"csv as camt": {"camt053", good, "This file is CSV, not a CAMT.053 XML statement: choose your bank&#39;s CSV format"},
			"bad byte":    {"credit_mutuel", []byte("Date;Débit;Crédit;Libellé\n01/01/2027;;1,00;x\x81y\n"), "do not match the encoding"},
			"bad line":    {"credit_mutuel", statement(t, "32/13/2027;;;30,00;VIR X;1,00"), "A line of this file cannot be read"},
			"francs": {"camt053", []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="CHF">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2027-03-02</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>`),
				"in another currency than the billing currency"},
			"negative": {"camt053", []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">-30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2027-03-02</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>`),
				"is negative"},
		} {
			res := b.postMultipart("/admin/bank-imports", url.Values{"format": {c.format}}, map[string][]byte{"statement": c.data})
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.want) {
				t.Errorf("%s: %d\n%s", name, res.Status, res.Body)
			}
		}
		if r := b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}}, nil); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Choose the statement file") {
			t.Errorf("no file: %d", r.Status)
		}
		if _, err := a.store.BankImportByID(context.Background(), 1); err == nil {
			t.Fatal("a refused file was kept")
		}
		// Support staff neither import nor reach the books.
		s := a.browser()
		s.login("support", "support-password")
		for _, p := range []string{"/admin/bank-imports", "/admin/sepa", "/admin/members/1/mandates", "/admin/accounting"} {
			if r := s.get(p); r.Status != http.StatusForbidden {
				t.Errorf("support GET %s: %d", p, r.Status)
			}
		}
		mustNotContain(t, s.get("/admin/").Body, `href="/admin/bank-imports"`)
	})
}

func TestMandatesDirectDebitAndAccountingExport(t *testing.T) {
	sepaOn := func(c *config.Config) {
		c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189", LeadDays: 2}
	}
	eachApp(t, sepaOn, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		inv := a.validatedInvoice(alice, 2500)
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", alice.ID))
		mustContain(t, page.Body, fmt.Sprintf(`href="/admin/members/%d/mandates"`, alice.ID))
		b.get(fmt.Sprintf("/admin/members/%d/mandates", alice.ID))
		mandates := fmt.Sprintf("/admin/members/%d/mandates", alice.ID)
		bad := b.post(mandates, url.Values{"reference": {"RUM 1"}, "signature_date": {"2026-01-15"},
			"iban": {"FR7630006000011234567890188"}, "sequence_type": {"FRST"}, "active": {"1"}})
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "This IBAN is not valid") ||
			!strings.Contains(bad.Body, "without spaces") {
			t.Fatalf("bad mandate: %d\n%s", bad.Status, bad.Body)
		}
		if ms, _ := a.store.MandatesOfMember(context.Background(), alice.ID); len(ms) != 0 {
			t.Fatal("a refused mandate was saved")
		}
		res := b.post(mandates, url.Values{"reference": {"RUM-ALICE-1"}, "signature_date": {"2026-01-15"},
			"iban": {"FR76 3000 6000 0112 3456 7890 189"}, "bic": {"agrifrpp"}, "sequence_type": {"FRST"}, "active": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("mandate: %d\n%s", res.Status, res.Body)
		}
		ms, _ := a.store.MandatesOfMember(context.Background(), alice.ID)
		if len(ms) != 1 || ms[0].IBAN != "FR7630006000011234567890189" {
			t.Fatalf("mandates %+v", ms)
		}
		// Alice's mandate is not reachable through Bob's page.
		if r := b.get(fmt.Sprintf("/admin/members/%d/mandates/%d/edit", bob.ID, ms[0].ID)); r.Status != http.StatusNotFound {
			t.Fatalf("mandate through another member: %d", r.Status)
		}
		page = b.get("/admin/sepa")
		mustContain(t, page.Body, "1 open invoice to collect (€25.00)", inv.Number, "RUM-ALICE-1")
		res = b.post("/admin/sepa/debit", url.Values{"date": {"2027-03-01"}})
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(res.Body, "<EndToEndId>"+inv.Number+"</EndToEndId>") || !strings.Contains(res.Body, "<ReqdColltnDt>2027-03-03</ReqdColltnDt>") {
			t.Fatalf("debit file: %d %v\n%s", res.Status, res.Header, res.Body)
		}
		// Alice is told what will be debited, when, from which account, under
		// which mandate and creditor identifier, in the file's transaction.
		var to, subject, body string
		if err := a.store.DB().QueryRow(a.sql(`SELECT to_addr, subject, text_body FROM outbox WHERE kind = 'sepa_prenotification'`)).
			Scan(&to, &subject, &body); err != nil {
			t.Fatalf("no pre-notification: %v", err)
		}
		for _, want := range []string{inv.Number, "25,00", "03/03/2027", "RUM-ALICE-1", "FR72ZZZ123456", "•••• 0189", "ne payez pas"} {
			if !strings.Contains(subject+body, want) {
				t.Errorf("pre-notification lacks %q:\n%s\n%s", want, subject, body)
			}
		}
		if to != alice.Email {
			t.Errorf("pre-notification to %q", to)
		}
		// Her pages say the invoice will be debited, not to pay it by transfer.
		ab := a.browser()
		ab.login("alice", "alice-password")
		for _, p := range []string{"/", "/invoices"} {
			page := ab.get(p)
			mustContain(t, page.Body, "will be debited on", "0189", "please do not pay them by transfer")
		}
		// The file is kept: listed on the page, downloaded again as it was.
		files, err := a.store.SEPAFiles(context.Background(), 10)
		if err != nil || len(files) != 1 || files[0].CreatedByName != "tresorier" || files[0].TransactionCount != 1 || files[0].TotalCents != 2500 {
			t.Fatalf("stored files %+v %v", files, err)
		}
		download := fmt.Sprintf("/admin/sepa/files/%d", files[0].ID)
		page = b.get("/admin/sepa")
		mustContain(t, page.Body, "Files written", files[0].MessageID, `href="`+download+`"`, "tresorier", "€25.00")
		again := b.get(download)
		if again.Status != http.StatusOK || again.Body != res.Body || !strings.Contains(again.Header.Get("Content-Disposition"),
			`attachment; filename="`+files[0].MessageID+`.xml"`) {
			t.Fatalf("download again: %d %v\n%s", again.Status, again.Header, again.Body)
		}
		if r := b.get("/admin/sepa/files/999"); r.Status != http.StatusNotFound {
			t.Fatalf("unknown file: %d", r.Status)
		}
		// A trial file is not kept.
		if r := b.post("/admin/sepa/debit", url.Values{"date": {"2027-03-01"}, "dry_run": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("trial file with nothing to collect: %d", r.Status)
		}
		b.get("/admin/sepa")
		if r := b.post("/admin/sepa/debit", url.Values{"date": {"2027-03-01"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "left to collect") || !strings.Contains(r.Body, files[0].MessageID) {
			t.Fatalf("second file: %d", r.Status)
		}
		inv2 := a.validatedInvoice(alice, 1000)
		b.get("/admin/sepa")
		if r := b.post("/admin/sepa/debit", url.Values{"date": {"2027-03-02"}, "dry_run": {"1"}}); r.Status != http.StatusOK ||
			!strings.Contains(r.Body, inv2.Number) {
			t.Fatalf("trial file: %d", r.Status)
		}
		if files, _ := a.store.SEPAFiles(context.Background(), 10); len(files) != 1 {
			t.Fatalf("%d files kept after a trial file, want 1", len(files))
		}

		res = b.get("/admin/accounting/export?from=2027-01-01&to=2027-12-31&format=fec")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "JournalCode|") || !strings.Contains(res.Body, inv.Number) {
			t.Fatalf("fec: %d\n%s", res.Status, res.Body)
		}
		res = b.get("/admin/accounting/export?from=2027-12-31&to=2027-01-01&format=fec")
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "The end comes before the start") {
			t.Fatalf("reversed range: %d", res.Status)
		}
		mb := a.browser()
		mb.login("alice", "alice-password")
		for _, p := range []string{"/admin/accounting/export?from=2027-01-01&to=2027-12-31&format=csv", mandates, "/admin/sepa", download} {
			if r := mb.get(p); r.Status != http.StatusForbidden {
				t.Errorf("member GET %s: %d", p, r.Status)
			}
		}
		a.addMember("support", "support", "support-password")
		sb := a.browser()
		sb.login("support", "support-password")
		for _, p := range []string{"/admin/sepa", download} {
			if r := sb.get(p); r.Status != http.StatusForbidden || strings.Contains(r.Body, "<MsgId>") {
				t.Errorf("support GET %s: %d", p, r.Status)
			}
		}
	})
}

// A confirmed import is found again: the history lists it with who
// imported it and what it brought in, and its page lists the payments it
// recorded; a pending preview is not in the history.
func TestBankImportHistoryOpensItsPayments(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		inv := a.validatedInvoice(alice, 3000)
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		mustContain(t, b.get("/admin/bank-imports").Body, "No statement has been imported yet.")

		upload := func(lines ...string) string {
			res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"credit_mutuel"}},
				map[string][]byte{"statement": statement(t, lines...)})
			m := importURL.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("upload: %d %s", res.Status, res.Body)
			}
			return m[1]
		}
		id := upload(fmt.Sprintf("02/03/2027;02/03/2027;;30,00;VIR SEPA ALICE TEST %s;1,00", inv.Number),
			"03/03/2027;03/03/2027;-12,50;;PRLV SEPA OVH;1,00")
		if r := b.post("/admin/bank-imports/"+id+"/confirm", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", r.Status)
		}
		pending := upload("04/03/2027;04/03/2027;;20,00;VIREMENT ANONYME;1,00")

		page := b.get("/admin/bank-imports")
		mustContain(t, page.Body, "Past imports", `href="/admin/bank-imports/`+id+`"`, "tresorier", "€30.00")
		mustNotContain(t, page.Body, `href="/admin/bank-imports/`+pending+`"`)
		shown := b.get("/admin/bank-imports/" + id)
		mustContain(t, shown.Body, "Payments this import recorded", `id="bank-import-payments"`,
			"VIR SEPA ALICE TEST", "/admin/members/"+fmt.Sprint(alice.ID))

		b.lang = "fr"
		mustContain(t, b.get("/admin/bank-imports").Body, "Imports précédents", "30,00")
		mb := a.browser()
		mb.login("alice", "alice-password")
		if r := mb.get("/admin/bank-imports"); r.Status != http.StatusForbidden {
			t.Fatalf("a member sees the imports: %d", r.Status)
		}
	})
}
