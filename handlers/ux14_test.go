package handlers_test

import (
	"coin/pdftest"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"coin/date"
	"coin/store"
)

// English pages write "Member: …" and 45.00; French ones "Membre : …" and 45,00.
func TestLabelColonAndDecimalMarkFollowTheLanguage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		b.get(fmt.Sprintf("/admin/invoices/new?member_id=%d", alice.ID))
		res := b.post("/admin/invoices/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"line0_label": {"Routeur"}, "line0_quantity": {"1"}, "line0_unit_price": {"45,00"}})
		draft := res.Header.Get("Location")
		if draft == "" {
			t.Fatalf("draft: %d\n%s", res.Status, res.Body)
		}
		page := b.get(draft + "/edit")
		mustContain(t, page.Body, "Member: <strong>", `value="45.00"`, `value="0.00"`)
		mustNotContain(t, page.Body, "Member : ", `value="45,00"`)
		pay := b.get(fmt.Sprintf("/admin/payments/new?member_id=%d", alice.ID))
		mustContain(t, pay.Body, "Member: <strong>")
		b.lang = "fr"
		page = b.get(draft + "/edit")
		mustContain(t, page.Body, "Membre\u00a0: <strong>", `value="45,00"`, `value="0,00"`)
	})
}

// The French status badge is not gendered: "Membre", not "Adhérent".
func TestFrenchStatusBadgeSaysMembre(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		emilie := a.addMember("emilie", "member", "emilie-password")
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.lang = "fr"
		b.login("admin", "admin-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", emilie.ID))
		mustContain(t, page.Body, `<span class="badge ok">Membre</span>`)
		mustNotContain(t, page.Body, ">Adhérent<")
		list := b.get("/admin/members")
		mustContain(t, list.Body, `<span class="badge ok">Membre</span>`)
	})
}

// An offer whose name already says its reference and backend is named once:
// "Serveur virtuel (VPS)", not "VPS — Serveur virtuel (VPS) (VPS)".
func TestOfferLabelSaysEachPieceOnce(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		alice := a.addMember("alice", "member", "alice-password")
		vps := &store.Offer{Name: "Serveur virtuel (VPS)", Reference: "VPS", Backend: "vps", BillingPeriodMonths: 1, PeriodFeeCents: 800, Open: true}
		if err := a.store.CreateOffer(t.Context(), vps); err != nil {
			t.Fatal(err)
		}
		vpnAn := &store.Offer{Name: "Baie", Reference: "HEB-1U", Backend: "housing", BillingPeriodMonths: 12, PeriodFeeCents: 5000, Open: true}
		if err := a.store.CreateOffer(t.Context(), vpnAn); err != nil {
			t.Fatal(err)
		}
		s := &store.Subscription{MemberID: alice.ID, OfferID: vps.ID, StartDate: date.MustParse("2026-11-01")}
		if err := a.store.CreateSubscription(t.Context(), s); err != nil {
			t.Fatal(err)
		}
		s2 := &store.Subscription{MemberID: alice.ID, OfferID: vpnAn.ID, StartDate: date.MustParse("2026-11-01")}
		if err := a.store.CreateSubscription(t.Context(), s2); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get(fmt.Sprintf("/admin/subscriptions/%d", s.ID))
		mustContain(t, page.Body, "<dd>Serveur virtuel (VPS)</dd>")
		mustNotContain(t, page.Body, "(VPS) (VPS)", "VPS — Serveur virtuel")
		page = b.get(fmt.Sprintf("/admin/subscriptions/%d", s2.ID))
		mustContain(t, page.Body, "<dd>HEB-1U — Baie (Housing)</dd>")
		form := b.get("/admin/subscriptions/new")
		mustContain(t, form.Body, "Serveur virtuel (VPS)")
		mustNotContain(t, form.Body, "VPS — Serveur virtuel")
	})
}

// A free offer that is not billed is not a warning; a priced one is.
func TestFreeOfferIsNotWarnedAsNotBilled(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		for _, o := range []*store.Offer{
			{Name: "VPN solidaire", Reference: "VPN-SOL", Backend: "vpn", BillingPeriodMonths: 1, NonBillable: true, Open: true},
			{Name: "VPN offert", Reference: "VPN-OFF", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, NonBillable: true, Open: true},
		} {
			if err := a.store.CreateOffer(t.Context(), o); err != nil {
				t.Fatal(err)
			}
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get("/admin/offers").Body
		row := func(ref string) string {
			for _, r := range strings.Split(page, "<tr>") {
				if strings.Contains(r, ">"+ref+"<") {
					return r
				}
			}
			t.Fatalf("no row for %s:\n%s", ref, page)
			return ""
		}
		mustContain(t, row("VPN-SOL"), `<span class="badge ">Free</span>`)
		mustNotContain(t, row("VPN-SOL"), "Not billed")
		mustContain(t, row("VPN-OFF"), `<span class="badge warn">Not billed</span>`)
	})
}

// The accounting export proposes the current year so far, not last year.
func TestAccountingExportDefaultsToThisYearSoFar(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tres", "treasurer", "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		today := date.Today(a.cfg.Location())
		page := b.get("/admin/accounting").Body
		mustContain(t, page, fmt.Sprintf(`value="%d-01-01"`, today.Year()), fmt.Sprintf(`value="%s"`, today))
		mustNotContain(t, page, fmt.Sprintf(`value="%d-12-31"`, today.Year()-1))
	})
}

// A configuration field left empty shows a dash to staff and is left out
// for the member, instead of a label with nothing after it.
func TestEmptyConfigurationFieldsAreNotListedBlank(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		alice := a.addMember("alice", "member", "alice-password")
		vps := addOffer(t, a, "VPS", "vps", true)
		s := &store.Subscription{MemberID: alice.ID, OfferID: vps.ID, StartDate: date.MustParse("2026-01-01")}
		if err := a.store.CreateSubscription(t.Context(), s); err != nil {
			t.Fatal(err)
		}
		c := &store.Configuration{SubscriptionID: s.ID, Backend: "vps", Data: map[string]string{"hostname": "alice.example.org", "os": "debian"}}
		if err := a.store.SaveConfiguration(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get(fmt.Sprintf("/admin/subscriptions/%d", s.ID)).Body
		mustContain(t, page, "<dd class=\"wrap\">alice.example.org</dd>", "<dt>Comment</dt><dd class=\"muted\" aria-label=\"Not set\">—</dd>")
		mustNotContain(t, page, `<dd class="wrap"></dd>`)
		m := a.browser()
		m.login("alice", "alice-password")
		mine := m.get("/subscriptions").Body
		mustContain(t, mine, "alice.example.org")
		mustNotContain(t, mine, `<dd class="wrap"></dd>`, "<dt>Comment</dt>")
	})
}

// The invoice PDF footer carries the record's legal mentions but not the
// website's publication director, which the legal notice page keeps.
func TestInvoiceFooterLeavesOutThePublicationDirector(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		r := &store.ISP{Name: "FAI Test", Email: "bureau@isp.test", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP",
			LegalMentions: "Association loi 1901 — SIRET 812 345 678 00015\n" +
				"TVA non applicable, article 293 B du CGI. Directeur de la publication : le bureau de l'association."}
		if err := a.isp.Save(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		_, inv := chargedMember(t, a, "zoe")
		pdf, err := a.store.InvoicePDF(t.Context(), inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Words(t, pdf)
		mustContain(t, text, "SIRET 812 345 678 00015", "TVA non applicable, article 293 B du CGI.")
		mustNotContain(t, text, "publication")
		mustContain(t, a.browser().get("/legal").Body, "Directeur de la publication")
	})
}
