package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"coin/config"
	"coin/date"
	"coin/model"
	"coin/store"
)

// A member with an active mandate when the invoice is validated is told,
// by its e-mail and its PDF, in their language, that it will be debited
// from their account, under which mandate and creditor identifier, and
// never to pay it by transfer; a member without mandate keeps the
// transfer instructions.
func TestInvoiceOfAMandateMemberSaysDebitedNotTransfer(t *testing.T) {
	sepaOn := func(c *config.Config) {
		c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189", LeadDays: 2}
	}
	eachApp(t, sepaOn, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.setIdentity()
		a.addMember("tresorier", "treasurer", "treasurer-password")
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		bob := a.addMember("bob", model.RoleMember, "bob-password")
		for id, lang := range map[int64]string{alice.ID: "fr", bob.ID: "en"} {
			if _, err := a.store.DB().Exec(a.sql(fmt.Sprintf(`UPDATE members SET language = '%s' WHERE id = ?`, lang)), id); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.store.CreateMandate(ctx, &store.Mandate{MemberID: alice.ID, Reference: "RUM-ALICE-1",
			SignatureDate: date.MustParse("2026-01-15"), IBAN: "DE89370400440532013000", SequenceType: "FRST", Active: true}); err != nil {
			t.Fatal(err)
		}
		ainv := a.validatedInvoice(alice, 2500)
		binv := a.validatedInvoice(bob, 1500)

		mail := func(to, number string) (text, html string) {
			t.Helper()
			if err := a.store.DB().QueryRow(a.sql(`SELECT text_body, html_body FROM outbox
				WHERE kind = 'invoice_new' AND to_addr = ? AND subject LIKE '%`+number+`%' ORDER BY id DESC LIMIT 1`), to).
				Scan(&text, &html); err != nil {
				t.Fatalf("no invoice e-mail to %s: %v", to, err)
			}
			return text, html
		}
		pdf := func(login string, inv *store.Invoice) string {
			t.Helper()
			b := a.browser()
			b.login(login, login+"-password")
			res := b.get(fmt.Sprintf("/invoices/%d/pdf", inv.ID))
			if res.Status != 200 {
				t.Fatalf("%s's PDF: %d", login, res.Status)
			}
			return strings.Join(strings.Fields(pdfText(t, []byte(res.Body))), " ")
		}
		has := func(what, text string, want, not []string) {
			t.Helper()
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q:\n%s", what, w, text)
				}
			}
			for _, w := range not {
				if strings.Contains(text, w) {
					t.Errorf("%s has %q:\n%s", what, w, text)
				}
			}
		}
		transferFR := []string{"virement", "FR76", "AGRIFRPP", "à régler avant"}
		text, html := mail(alice.Email, ainv.Number)
		has("alice's e-mail", text, []string{ainv.Number, "25,00", "sera prélevée sur votre compte •••• 3000", "RUM-ALICE-1",
			"FR72ZZZ123456", "La date vous sera indiquée avant le prélèvement"}, transferFR)
		has("alice's HTML e-mail", html, []string{"•••• 3000", "RUM-ALICE-1", "FR72ZZZ123456"}, transferFR)
		has("alice's PDF", pdf("alice", ainv), []string{"25,00 € sera prélevé sur votre compte •••• 3000",
			"la date vous sera indiquée avant le prélèvement", "mandat RUM-ALICE-1", "identifiant créancier FR72ZZZ123456"},
			[]string{"virement", "Référence à indiquer", "FR76"})

		text, _ = mail(bob.Email, binv.Number)
		has("bob's e-mail", text, []string{"You can pay by bank transfer", "FR76", binv.Number, "to be paid by"}, []string{"debited", "mandate"})
		has("bob's PDF", pdf("bob", binv), []string{"by bank transfer", "Reference to quote: " + binv.Number, "Payment by bank transfer: IBAN FR76"}, []string{"debited", "mandate"})

		// Once a file asked for the collection, the e-mail sent again
		// gives its date.
		tb := a.browser()
		tb.login("tresorier", "treasurer-password")
		tb.get("/admin/sepa")
		if res := tb.post("/admin/sepa/debit", url.Values{"date": {"2027-03-01"}}); res.Status != 200 {
			t.Fatalf("debit file: %d\n%s", res.Status, res.Body)
		}
		if ok, err := a.billing.ResendInvoice(ctx, ainv.ID); err != nil || !ok {
			t.Fatalf("resend: %v %v", ok, err)
		}
		text, _ = mail(alice.Email, ainv.Number)
		has("alice's e-mail sent again", text, []string{"sera prélevée le 03/03/2027 sur votre compte •••• 3000", "RUM-ALICE-1"},
			append(transferFR, "La date vous sera indiquée"))
	})
}

// A member whose subscription is suspended for arrears reads it on their
// home page, in their language, next to what they owe; once it is
// restored the notice is gone.
func TestHomeShowsSuspensionForArrears(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.QueryCountHeader = true }, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		o := &store.Offer{Name: "VPN mensuel", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}
		if err := a.store.CreateOffer(ctx, o); err != nil {
			t.Fatal(err)
		}
		sub := &store.Subscription{MemberID: alice.ID, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
		if err := a.store.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		a.validatedInvoice(alice, 2500)
		b := a.browser()
		b.login("alice", "alice-password")
		mustNotContain(t, b.get("/").Body, `id="arrears-notice"`)
		if ok, err := a.store.MoveArrearsState(ctx, sub.ID, alice.ID, "", store.ArrearsSuspended, date.MustParse("2027-04-01"), true); err != nil || !ok {
			t.Fatalf("suspend: %v %v", ok, err)
		}
		mustContain(t, b.get("/").Body, `id="arrears-notice"`, "Suspended for arrears", "VPN mensuel: your service is suspended until what you owe is paid")
		b.lang = "fr"
		mustContain(t, b.get("/").Body, `id="arrears-notice"`, "VPN mensuel : votre service est suspendu jusqu&#39;au règlement")
		if n := b.pageQueries("/"); n > 6 {
			t.Errorf("member home with a subscription suspended for arrears: %d queries, want at most 6", n)
		}
		if ok, err := a.store.MoveArrearsState(ctx, sub.ID, alice.ID, store.ArrearsSuspended, "", date.MustParse("2027-04-02"), false); err != nil || !ok {
			t.Fatalf("resume: %v %v", ok, err)
		}
		mustNotContain(t, b.get("/").Body, `id="arrears-notice"`)
	})
}
