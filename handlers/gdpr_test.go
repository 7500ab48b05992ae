package handlers_test

import (
	"coin/pdftest"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/member"
	"coin/store"
)

// textColumns lists every text column of every table of the database.
func textColumns(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var q string
	if st.Dialect() == store.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND (UPPER(p.type) LIKE '%TEXT%' OR UPPER(p.type) LIKE '%CHAR%' OR p.type = '')`
	}
	rows, err := st.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	if len(out) < 30 {
		t.Fatalf("only %d tables with text columns found", len(out))
	}
	return out
}

// findText returns the table.column holding one of needles (case ignored).
func findText(t *testing.T, st *store.Store, needles ...string) []string {
	t.Helper()
	var found []string
	for table, cols := range textColumns(t, st) {
		for _, col := range cols {
			for _, n := range needles {
				q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE LOWER(CAST(%s AS TEXT)) LIKE '%%%s%%'`, table, col, strings.ToLower(n))
				var c int
				if err := st.DB().QueryRow(q).Scan(&c); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if c > 0 {
					found = append(found, table+"."+col+" holds "+n)
				}
			}
		}
	}
	return found
}

func TestAnonymiseKeepsTheBooksAndErasesThePerson(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		st := a.store
		a.addMember("admin", "admin", "admin-password")
		m := a.addMember("jeanne", "member", "jeanne-password")
		m.FirstName, m.LastName, m.Email = "Jeanne", "Dupontel", "jeanne.dupontel@example.org"
		m.Phone, m.Address, m.City, m.Comments = "+33 6 98 76 54 32", "7 impasse Dupontel", "Quimper", "Jeanne Dupontel pays late"
		if err := st.UpdateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		// Her traces: a session and sign-in attempts (she signs in), an
		// e-mailed link, a limit hit, mail to her and about her sign-up,
		// an imported record keyed by her address, a mailing list.
		b := a.browser()
		b.login("jeanne", "jeanne-password")
		if err := st.CreateMemberToken(ctx, m.ID, "password_reset", "hash-of-a-token", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Hit(ctx, "signup-address:jeanne.dupontel@example.org", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.QueueMessage(ctx, &store.Message{Kind: "signup_notification", To: "staff@isp.test", From: "coin@isp.test",
			Subject: "New sign-up", TextBody: "Name: Jeanne Dupontel\nE-mail: jeanne.dupontel@example.org\n", NextAttemptAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := st.AddImportRef(ctx, "generic", store.ImportMember, "jeanne.dupontel@example.org", m.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		list := &store.MailingList{ShortName: "news", Email: "news@listes.isp.test", Name: "News", Open: true}
		if err := st.CreateMailingList(ctx, list); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Subscribe(ctx, list.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		// A subscription that ended, whose configuration names her.
		o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}
		if err := st.CreateOffer(ctx, o); err != nil {
			t.Fatal(err)
		}
		sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2025-01-01"),
			ResignDate: date.Today(a.cfg.Location()).AddDays(10), Comments: "for Jeanne Dupontel"}
		if err := st.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveConfiguration(ctx, &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: "jdupontel",
			Data: map[string]string{"login": "jdupontel", "ipv4_endpoint": "198.51.100.9", "comment": "Jeanne's laptop"}}); err != nil {
			t.Fatal(err)
		}
		// Her books: two invoices, a payment, a fee.
		inv := a.validatedInvoice(m, 3000)
		a.validatedInvoice(m, 1200)
		if _, err := a.billing.RecordPayment(ctx, &store.Payment{MemberID: m.ID, Method: "cheque", Date: date.MustParse("2027-02-03"),
			AmountCents: 3000, Label: "cheque 1234567"}, "admin"); err != nil {
			t.Fatal(err)
		}
		a.addFee(m, date.MustParse("2027-01-01"), date.MustParse("2027-12-31"))
		if found := findText(t, st, "jeanne.dupontel@example.org", "dupontel"); len(found) < 8 {
			t.Fatalf("the test data does not spread her name and address: %v", found)
		}
		invoicesBefore, _, _ := st.ListInvoices(ctx, store.InvoiceFilter{MemberID: m.ID})
		balanceBefore, _ := st.MemberBalance(ctx, m.ID)
		feesBefore, _ := st.MembershipFeesOfMember(ctx, m.ID)
		var logBefore int
		st.DB().QueryRow(`SELECT COUNT(*) FROM accounting_log`).Scan(&logBefore)

		// Delete is refused (invoices) and points to anonymise.
		admin := a.browser()
		admin.login("admin", "admin-password")
		admin.get(fmt.Sprintf("/admin/members/%d/delete", m.ID))
		admin.post(fmt.Sprintf("/admin/members/%d/delete", m.ID), nil)
		page := admin.get(fmt.Sprintf("/admin/members/%d", m.ID))
		mustContain(t, page.Body, "Anonymise them instead", fmt.Sprintf(`href="/admin/members/%d/anonymise"`, m.ID))
		// A subscription still running refuses.
		admin.get(fmt.Sprintf("/admin/members/%d/anonymise", m.ID))
		admin.post(fmt.Sprintf("/admin/members/%d/anonymise", m.ID), nil)
		mustContain(t, admin.get(fmt.Sprintf("/admin/members/%d", m.ID)).Body, "still has running subscriptions")
		sub.ResignDate = date.MustParse("2026-06-30")
		if err := st.UpdateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		// Support may not anonymise.
		a.addMember("helpdesk", "support", "support-password")
		sup := a.browser()
		sup.login("helpdesk", "support-password")
		if res := sup.get(fmt.Sprintf("/admin/members/%d/anonymise", m.ID)); res.Status != http.StatusForbidden {
			t.Fatalf("support reached the anonymise page: %d", res.Status)
		}
		page = admin.get(fmt.Sprintf("/admin/members/%d/anonymise", m.ID))
		mustContain(t, page.Body, "Erase the personal data of Jeanne Dupontel", fmt.Sprintf("anonymised-%d", m.ID))
		res := admin.post(fmt.Sprintf("/admin/members/%d/anonymise", m.ID), nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("anonymise: %d %s", res.Status, res.Body)
		}
		page = admin.get(fmt.Sprintf("/admin/members/%d", m.ID))
		mustContain(t, page.Body, "The member has been anonymised.", "Anonymised on")
		mustNotContain(t, page.Body, `/anonymise"`)

		// The ledger's entries keep the name they were written with, as the
		// PDFs do: accounting documents are kept ten years, and the FEC names
		// the customer of each entry (CompAuxLib).
		found := findText(t, st, "jeanne.dupontel@example.org", "dupontel", "laptop")
		if found = slices.DeleteFunc(found, func(f string) bool { return strings.HasPrefix(f, "journal_") }); len(found) > 0 {
			t.Fatalf("her data is still in the database: %v", found)
		}
		invoicesAfter, _, _ := st.ListInvoices(ctx, store.InvoiceFilter{MemberID: m.ID})
		if len(invoicesAfter) != len(invoicesBefore) {
			t.Fatalf("%d invoices before, %d after", len(invoicesBefore), len(invoicesAfter))
		}
		for i := range invoicesBefore {
			x, y := invoicesBefore[i], invoicesAfter[i]
			if x.Number != y.Number || x.TotalCents != y.TotalCents || x.PaidCents != y.PaidCents || x.IssueDate != y.IssueDate {
				t.Fatalf("invoice changed: %+v then %+v", x, y)
			}
		}
		if pdf, err := st.InvoicePDF(ctx, inv.ID); err != nil || len(pdf) == 0 {
			t.Fatalf("the invoice PDF is gone: %v", err)
		}
		if balanceAfter, _ := st.MemberBalance(ctx, m.ID); balanceAfter != balanceBefore {
			t.Fatalf("balance %+v then %+v", balanceBefore, balanceAfter)
		}
		if feesAfter, _ := st.MembershipFeesOfMember(ctx, m.ID); len(feesAfter) != len(feesBefore) {
			t.Fatal("fees lost")
		}
		var logAfter int
		st.DB().QueryRow(`SELECT COUNT(*) FROM accounting_log`).Scan(&logAfter)
		if logAfter != logBefore {
			t.Fatalf("accounting log %d then %d entries", logBefore, logAfter)
		}
		// She is signed out and cannot sign in again.
		if res := b.get("/profile"); res.Status != http.StatusSeeOther {
			t.Fatalf("her session survived: %d", res.Status)
		}
		// Importing the file she came from again does not bring her back.
		again, err := st.ImportRefOf(ctx, "generic", store.ImportMember, "jeanne.dupontel@example.org")
		if err != nil || !again.Erased || again.RecordID != m.ID {
			t.Fatalf("import key after anonymisation: %+v %v", again, err)
		}
	})
}

var tokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

func TestMyDataDownload(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		m := a.addMember("alix", "member", "alix-password")
		other := a.addMember("bob", "member", "bob-password")
		inv := a.validatedInvoice(m, 2500)
		a.validatedInvoice(other, 999)
		a.addFee(m, date.MustParse("2027-01-01"), date.MustParse("2027-12-31"))
		b := a.browser()
		b.login("alix", "alix-password")
		mustContain(t, b.get("/profile").Body, `href="/profile/data.json"`, "Download my data")
		res := b.get("/profile/data.json")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("data: %d %v", res.Status, res.Header)
		}
		var d member.Data
		if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
			t.Fatal(err)
		}
		if d.Profile.Email != "alix@example.org" || len(d.Invoices) != 1 || d.Invoices[0].Number != inv.Number ||
			d.Invoices[0].TotalCents != 2500 || len(d.Fees) != 1 {
			t.Fatalf("data %+v", d)
		}
		mustNotContain(t, res.Body, "bob@example.org", "argon2", "password_hash")
		if res := a.browser().get("/profile/data.json"); res.Status != http.StatusSeeOther {
			t.Fatalf("anonymous visitor: %d", res.Status)
		}
	})
}

func TestImportInTheBackOffice(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		a.addMember("tresorier", "treasurer", "treasurer-password")
		file := []byte("external_id;first_name;last_name;email;city\nA1;Alix;Martin;alix.martin@example.org;Paris\nA2;Zoé;Lune;zoe at example;Nantes\n")
		tr := a.browser()
		tr.login("tresorier", "treasurer-password")
		if res := tr.get("/admin/import"); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer reached the import: %d", res.Status)
		}
		b := a.browser()
		b.lang = "fr"
		b.login("admin", "admin-password")
		mustContain(t, b.get("/admin/members").Body, `href="/admin/import"`, `href="/admin/members/export.csv"`)
		b.get("/admin/import")
		res := b.postMultipart("/admin/import", url.Values{"kind": {"members"}, "profile": {"generic"}}, map[string][]byte{"file": file})
		mustContain(t, res.Body, "1 à créer", "1 en erreur", "ligne 3, colonne email : ", `name="skip_bad"`, `name="token"`)
		if _, err := a.store.MemberByLogin(context.Background(), "alix.martin"); err == nil {
			t.Fatal("the preview wrote a member")
		}
		token := tokenRE.FindStringSubmatch(res.Body)[1]
		res = b.post("/admin/import/confirm", url.Values{"token": {token}})
		mustContain(t, res.Body, "Rien n&#39;a été importé")
		if _, err := a.store.MemberByLogin(context.Background(), "alix.martin"); err == nil {
			t.Fatal("a file with a bad line wrote a member")
		}
		res = b.post("/admin/import/confirm", url.Values{"token": {token}, "skip_bad": {"1"}})
		mustContain(t, res.Body, "Import fait : 1 créé(s)")
		if m, err := a.store.MemberByLogin(context.Background(), "alix.martin"); err != nil || m.City != "Paris" {
			t.Fatalf("imported member: %+v %v", m, err)
		}
		if res := b.post("/admin/import/confirm", url.Values{"token": {token}, "skip_bad": {"1"}}); res.Status != http.StatusGone {
			t.Fatalf("a preview confirmed twice: %d", res.Status)
		}
		// The export has the list's filters and reads back.
		a.addMemberQuick("pending1").Status = "pending"
		csv := b.get("/admin/members/export.csv?status=member&q=martin")
		if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "id,login,person_type,") ||
			!strings.Contains(csv.Body, "alix.martin@example.org") || strings.Contains(csv.Body, "admin@example.org") {
			t.Fatalf("export: %d %s", csv.Status, csv.Body)
		}
		if res := tr.get("/admin/members/export.csv"); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer exported members: %d", res.Status)
		}
	})
}

func TestRegisterOfMembers(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		a.addMember("helpdesk", "support", "support-password")
		paid := a.addMember("alix", "member", "alix-password")
		a.addMember("bob", "member", "bob-password")
		year := date.Today(a.cfg.Location()).Time().Year()
		a.addFee(paid, date.New(year, 1, 1), date.New(year, 12, 31))
		sup := a.browser()
		sup.login("helpdesk", "support-password")
		if res := sup.get("/admin/register"); res.Status != http.StatusForbidden {
			t.Fatalf("support reached the register: %d", res.Status)
		}
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		page := b.get("/admin/register")
		mustContain(t, page.Body, "Register of members", "Alix Test", "Bob Test", "paid", "not paid")
		csv := b.get(fmt.Sprintf("/admin/register.csv?year=%d", year))
		if csv.Status != http.StatusOK || !strings.Contains(csv.Body, fmt.Sprintf("Alix Test,alix,%s,,Member,paid,%d-12-31", date.Today(a.cfg.Location()), year)) ||
			!strings.Contains(csv.Body, "Bob Test,bob,") || !strings.Contains(csv.Body, ",not paid,") {
			t.Fatalf("register csv: %s", csv.Body)
		}
		pdf := b.get(fmt.Sprintf("/admin/register.pdf?year=%d", year))
		if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatalf("register pdf: %d", pdf.Status)
		}
		{
			text := pdftest.Text(t, []byte(pdf.Body))
			for _, want := range []string{fmt.Sprintf("Register of members, %d", year), "Alix Test", "Bob Test", "not paid", "Page 1"} {
				if !strings.Contains(text, want) {
					t.Fatalf("register PDF lacks %q:\n%s", want, text)
				}
			}
		}
		fr := a.browser()
		fr.lang = "fr"
		fr.login("tresorier", "treasurer-password")
		mustContain(t, fr.get(fmt.Sprintf("/admin/register.csv?year=%d", year)).Body, "Nom,Identifiant,Adhésion", "payée", "non payée")
	})
}
