package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"coin/config"
	"coin/store"
)

// camtEntry is one booked camt.053 entry of one direct debit transaction:
// CRDT for a collection credited, DBIT with a reason for a return.
func camtEntry(ref, day, cd, amount, endToEnd, reason string) string {
	rtr := ""
	if reason != "" {
		rtr = "<RtrInf><Rsn><Cd>" + reason + "</Cd></Rsn></RtrInf>"
	}
	return `<Ntry><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>` + cd + `</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>` + day + `</Dt></BookgDt><AcctSvcrRef>` + ref + `</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>` + endToEnd + `</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>ALICE</Nm></Dbtr></RltdPties>` + rtr + `</TxDtls></NtryDtls></Ntry>`
}

func camtStatement(entries ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2027-03-12T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>` + strings.Join(entries, "\n") + `</Stmt>
</BkToCstmrStmt></Document>`)
}

// pain002Reject is the bank's status report refusing one collection.
func pain002Reject(msgID, endToEnd, reason, amount string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>` + msgID + `</MsgId><CreDtTm>2027-04-02T08:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>ORIG</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>
<TxInfAndSts><StsId>1</StsId><OrgnlEndToEndId>` + endToEnd + `</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>` + reason + `</Cd></Rsn></StsRsnInf>
<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">` + amount + `</InstdAmt></Amt><ReqdColltnDt>2027-04-05</ReqdColltnDt></OrgnlTxRef>
</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`)
}

// importFile uploads a file under Bank statements and confirms it,
// returning the preview page.
func importFile(t *testing.T, a *testApp, b *browser, data []byte, wants ...string) {
	t.Helper()
	res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"camt053"}}, map[string][]byte{"statement": data})
	m := importURL.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("upload: %d %s\n%s", res.Status, res.Header.Get("Location"), a.logs.String())
	}
	page := b.get("/admin/bank-imports/" + m[1])
	mustContain(t, page.Body, wants...)
	if res := b.post("/admin/bank-imports/"+m[1]+"/confirm", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.Status, a.logs.String())
	}
}

func TestReturnedDirectDebitReopensTheInvoiceAndTwoSuspendTheMandate(t *testing.T) {
	sepaOn := func(c *config.Config) {
		c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189",
			LeadDays: 2, ReturnFee: "5.00"}
	}
	eachApp(t, sepaOn, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		mandates := fmt.Sprintf("/admin/members/%d/mandates", alice.ID)
		b.get(mandates)
		if res := b.post(mandates, url.Values{"reference": {"RUM-ALICE-1"}, "signature_date": {"2026-01-15"},
			"iban": {"FR7630006000011234567890189"}, "sequence_type": {"FRST"}, "active": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("mandate: %d\n%s", res.Status, res.Body)
		}
		collect := func(day string) {
			t.Helper()
			b.get("/admin/sepa")
			if res := b.post("/admin/sepa/debit", url.Values{"date": {day}}); res.Status != http.StatusOK {
				t.Fatalf("debit file: %d\n%s", res.Status, a.logs.String())
			}
		}
		inv := a.validatedInvoice(alice, 2500)
		collect("2027-03-01")
		importFile(t, a, b, camtStatement(camtEntry("C1", "2027-03-03", "CRDT", "25.00", inv.Number, "")), "invoice "+inv.Number)
		if got, _ := a.store.InvoiceByID(ctx, inv.ID); got.Remaining() != 0 {
			t.Fatalf("the collection did not pay %s", got.Number)
		}

		// The debtor's bank sends it back: insufficient funds.
		ret := camtStatement(camtEntry("R1", "2027-03-10", "DBIT", "25.00", inv.Number, "AM04"))
		importFile(t, a, b, ret, "direct debit of invoice "+inv.Number+" sent back (AM04)", "1 returned direct debit")
		got, _ := a.store.InvoiceByID(ctx, inv.ID)
		if got.Remaining() != 2500 {
			t.Fatalf("after the return, %s has %d left to pay", got.Number, got.Remaining())
		}
		var body string
		if err := a.store.DB().QueryRow(a.sql(`SELECT text_body FROM outbox WHERE kind = 'sepa_return'`)).Scan(&body); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{inv.Number, "provision insuffisante (AM04)", "reste à payer 25,00", "rejet, 5,00"} {
			if !strings.Contains(body, want) {
				t.Errorf("return e-mail lacks %q:\n%s", want, body)
			}
		}
		// The fee is invoiced; the member owes the invoice and the fee.
		page := b.get(fmt.Sprintf("/admin/members/%d", alice.ID))
		mustContain(t, page.Body, "€30.00")
		// The books: the payment and its reversal, on the return's day.
		fec := b.get("/admin/accounting/export?from=2027-01-01&to=2027-12-31&format=fec")
		mustContain(t, fec.Body, "20270303", "20270310", "vement impay")
		// The same return again changes nothing.
		res := b.postMultipart("/admin/bank-imports", url.Values{"format": {"camt053"}}, map[string][]byte{"statement": ret})
		mustContain(t, b.get(res.Header.Get("Location")).Body, "1 already imported")
		if n := a.outboxCount("sepa_return"); n != 1 {
			t.Fatalf("%d return e-mails", n)
		}

		if ms, _ := a.store.MandatesOfMember(ctx, alice.ID); ms[0].SuspendedAt != nil {
			t.Fatal("one return for insufficient funds suspended the mandate")
		}

		// A second collection, rejected before settlement (pain.002):
		// two in a row suspend the mandate.
		inv2 := a.validatedInvoice(alice, 1800)
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // a file's id is its second
		collect("2027-04-01")
		importFile(t, a, b, pain002Reject("RPT-1", inv2.Number, "MS03", "18.00"), "pain.002", "sent back (MS03)")
		if n := a.outboxCount("sepa_return"); n != 2 {
			t.Fatalf("%d return e-mails", n)
		}
		ms, _ := a.store.MandatesOfMember(ctx, alice.ID)
		if len(ms) != 1 || ms[0].SuspendedAt == nil {
			t.Fatalf("the mandate is not suspended: %+v", ms)
		}
		mustContain(t, b.get(mandates).Body, "two direct debits in a row came back", "Resume direct debits")
		cands, _ := a.store.DebitCandidates(ctx)
		if len(cands) != 0 {
			t.Fatalf("a suspended mandate is still collected: %d candidates", len(cands))
		}
		if res := b.post(fmt.Sprintf("%s/%d/resume", mandates, ms[0].ID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("resume: %d", res.Status)
		}
		if cands, _ := a.store.DebitCandidates(ctx); len(cands) == 0 {
			t.Fatal("resumed mandate not collected")
		}
		// A member cannot resume it.
		mb := a.browser()
		mb.login("alice", "alice-password")
		if r := mb.post(fmt.Sprintf("%s/%d/resume", mandates, ms[0].ID), nil); r.Status != http.StatusForbidden {
			t.Fatalf("member resumes a mandate: %d", r.Status)
		}
		var kinds []string
		rows, err := a.store.DB().Query(a.sql(`SELECT return_kind || ':' || return_code FROM sepa_debits WHERE returned_at IS NOT NULL ORDER BY id`))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			kinds = append(kinds, k)
		}
		rows.Close()
		if strings.Join(kinds, " ") != "return:AM04 reject:MS03" {
			t.Fatalf("debits marked %v", kinds)
		}

		// After the resume, one return does not suspend again. Its return
		// imported before its credit is left out; a file that sends it
		// back before crediting it is read credits first; the bank's
		// charge on its own line and a repeated line are left out.
		inv3 := a.validatedInvoice(alice, 1200)
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		collect("2027-05-01")
		early := camtStatement(camtEntry("R3", "2027-05-10", "DBIT", "12.00", inv3.Number, "AM04"))
		importFile(t, a, b, early, "import the statement that credits it first")
		if n := a.outboxCount("sepa_return"); n != 2 {
			t.Fatalf("a return before its credit was recorded: %d e-mails", n)
		}
		both := camtStatement(
			camtEntry("R3b", "2027-05-10", "DBIT", "12.00", inv3.Number, "AM04"),
			camtEntry("F3", "2027-05-10", "DBIT", "4.50", inv3.Number, "AM04"),
			camtEntry("R3c", "2027-05-10", "DBIT", "12.00", inv3.Number, "AM04"),
			camtEntry("C3", "2027-05-03", "CRDT", "12.00", inv3.Number, ""))
		importFile(t, a, b, both, "sent back (AM04)", "not the amount collected", "sends this collection back a second time")
		if got, _ := a.store.InvoiceByID(ctx, inv3.ID); got.Remaining() != 1200 {
			t.Fatalf("credited then returned in one file: %d left to pay", got.Remaining())
		}
		if ms, _ := a.store.MandatesOfMember(ctx, alice.ID); ms[0].SuspendedAt != nil {
			t.Fatal("one return after the resume suspended the mandate again")
		}
		if n := a.outboxCount("sepa_return"); n != 3 {
			t.Fatalf("%d return e-mails", n)
		}
	})
}

// In the demo, the bank's answer to the last direct debit file can be
// downloaded and imported: the first collection comes back unpaid.
func TestDemoReturnsStatementSendsTheFirstCollectionBack(t *testing.T) {
	demoSEPA := func(c *config.Config) {
		c.Demo = true
		c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189", LeadDays: 2}
	}
	eachApp(t, demoSEPA, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		if r := b.get("/admin/bank-imports/demo-returns.xml"); r.Status != http.StatusSeeOther {
			t.Fatalf("before any file: %d", r.Status)
		}
		mustContain(t, b.get("/admin/bank-imports").Body, "write one under Direct debit first")
		mandates := fmt.Sprintf("/admin/members/%d/mandates", alice.ID)
		b.get(mandates)
		b.post(mandates, url.Values{"reference": {"RUM-ALICE-1"}, "signature_date": {"2026-01-15"},
			"iban": {"FR7630006000011234567890189"}, "sequence_type": {"FRST"}, "active": {"1"}})
		inv := a.validatedInvoice(alice, 2500)
		b.get("/admin/sepa")
		if res := b.post("/admin/sepa/debit", url.Values{"date": {a.today().String()}}); res.Status != http.StatusOK {
			t.Fatalf("debit file: %d", res.Status)
		}
		mustContain(t, b.get("/admin/bank-imports").Body, "/admin/bank-imports/demo-returns.xml")
		r := b.get("/admin/bank-imports/demo-returns.xml")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "demo-direct-debit-returns.xml") {
			t.Fatalf("demo returns: %d %v", r.Status, r.Header)
		}
		importFile(t, a, b, []byte(r.Body), "invoice "+inv.Number, "sent back (AM04)")
		if got, _ := a.store.InvoiceByID(ctx, inv.ID); got.Remaining() != got.TotalCents {
			t.Fatalf("the returned collection left %d to pay of %d", got.Remaining(), got.TotalCents)
		}
		if _, n, _, _ := a.store.ListPayments(ctx, store.PaymentFilter{}); n != 0 {
			t.Fatalf("%d payments left after the return", n)
		}
	})
}
