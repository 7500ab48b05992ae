package handlers_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"coin/config"
	"coin/date"
	"coin/model"
	"coin/store"
)

// scalar runs a query of a test and returns its one value as text (""
// for none or NULL, dates as YYYY-MM-DD).
func (a *testApp) scalar(q string) string {
	a.t.Helper()
	if !strings.HasPrefix(q, "SELECT") {
		if _, err := a.store.DB().Exec(q); err != nil {
			a.t.Fatalf("%s: %v", q, err)
		}
		return ""
	}
	var v any
	if err := a.store.DB().QueryRow(q).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		a.t.Fatalf("%s: %v", q, err)
	}
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case time.Time:
		return x.Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func withSEPA(c *config.Config) {
	c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189", LeadDays: 2}
}

// A member asks for an open offer; staff see it, a refusal needs a
// reason, an approval creates the subscription; the member is told by
// e-mail each time, in their language.
func TestSelfServiceSubscriptionRequest(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		a.addMember("bob", model.RoleMember, "bob-password")
		a.addMember("admin", model.RoleAdmin, "admin-password")
		open := addOffer(t, a, "VPN", "vpn", true)
		closed := addOffer(t, a, "OLD", "vpn", false)
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/requests")
		mustContain(t, page.Body, "Ask for a subscription", "Offer VPN", "Give notice of resignation")
		mustNotContain(t, page.Body, "Offer OLD")
		if res := b.post("/requests/subscribe", url.Values{"offer_id": {fmt.Sprint(closed.ID)}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("ask for a closed offer: %d", res.Status)
		}
		if res := b.post("/requests/subscribe", url.Values{"offer_id": {fmt.Sprint(open.ID)}, "comments": {"Soon please"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("ask: %d\n%s", res.Status, res.Body)
		}
		b.get("/requests")
		res := b.post("/requests/subscribe", url.Values{"offer_id": {fmt.Sprint(open.ID)}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("ask twice: %d", res.Status)
		}
		mustContain(t, res.Body, "You already asked for this offer", "Waiting for the team")
		id := a.scalar("SELECT id FROM member_requests")

		// Members may not decide, nor see the back office list.
		if res := b.get("/admin/requests"); res.Status != http.StatusForbidden {
			t.Fatalf("member opens the requests: %d", res.Status)
		}
		if res := b.post("/admin/requests/"+id+"/approve", url.Values{"start_date": {"2026-01-01"}, "cfg_login": {"x"}}); res.Status != http.StatusForbidden {
			t.Fatalf("member approves: %d", res.Status)
		}

		s := a.browser()
		s.login("admin", "admin-password")
		mustContain(t, s.get("/admin/requests").Body, "Alice Test", "Offer VPN", "Soon please")
		s.get("/admin/requests/" + id)
		if res := s.post("/admin/requests/"+id+"/refuse", url.Values{"reason": {" "}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refuse without a reason: %d", res.Status)
		}
		res = s.post("/admin/requests/"+id+"/approve", url.Values{"start_date": {a.today().String()}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("approve without the login: %d", res.Status)
		}
		if n := a.scalar("SELECT COUNT(*) FROM subscriptions"); n != "0" {
			t.Fatalf("refused approval left %s subscriptions", n)
		}
		res = s.post("/admin/requests/"+id+"/approve", url.Values{"start_date": {a.today().String()}, "cfg_login": {"alice-vpn"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", res.Status, res.Body)
		}
		if got := a.scalar("SELECT status || ' ' || subscription_id FROM member_requests"); got != "approved "+a.scalar("SELECT id FROM subscriptions WHERE member_id = "+fmt.Sprint(alice.ID)) {
			t.Fatalf("request after approval: %s", got)
		}
		if n := a.outboxCount("request_approved"); n != 1 {
			t.Fatalf("%d approval e-mails", n)
		}
		if res := s.post("/admin/requests/"+id+"/refuse", url.Values{"reason": {"late"}}); res.Status != http.StatusSeeOther || a.outboxCount("request_refused") != 0 {
			t.Fatalf("refuse a decided request: %d, %d e-mails", res.Status, a.outboxCount("request_refused"))
		}
		mustContain(t, b.get("/requests").Body, "Accepted")

		// A refusal, in French for a French member.
		a.scalar("UPDATE members SET language = 'fr' WHERE id = " + fmt.Sprint(alice.ID))
		b.post("/requests/subscribe", url.Values{"offer_id": {fmt.Sprint(open.ID)}})
		id2 := a.scalar("SELECT id FROM member_requests WHERE status = 'pending'")
		s.get("/admin/requests/" + id2)
		if res := s.post("/admin/requests/"+id2+"/refuse", url.Values{"reason": {"Plus de place"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("refuse: %d", res.Status)
		}
		if got := a.scalar("SELECT subject FROM outbox WHERE kind = 'request_refused'"); !strings.Contains(got, "votre demande") {
			t.Fatalf("refusal e-mail subject: %q", got)
		}
		b.lang = "fr"
		mustContain(t, b.get("/requests").Body, "Refusée", "Plus de place")
	})
}

// A notice of resignation ends the member's own subscription on the day
// chosen (not in the past); another member's subscription is not found.
func TestSelfServiceResignation(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		bob := a.addMember("bob", model.RoleMember, "bob-password")
		a.addMember("admin", model.RoleAdmin, "admin-password")
		o := addOffer(t, a, "VPN", "vpn", true)
		var subs []string
		for _, m := range []int64{alice.ID, bob.ID} {
			sub := &store.Subscription{MemberID: m, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
			if err := a.store.CreateSubscription(t.Context(), sub); err != nil {
				t.Fatal(err)
			}
			subs = append(subs, fmt.Sprint(sub.ID))
		}
		aliceSub, bobSub := subs[0], subs[1]
		b := a.browser()
		b.login("alice", "alice-password")
		b.get("/requests")
		yesterday := a.today().AddDays(-1).String()
		if res := b.post("/requests/resign", url.Values{"subscription_id": {aliceSub}, "end_date": {yesterday}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("notice in the past: %d", res.Status)
		}
		if res := b.post("/requests/resign", url.Values{"subscription_id": {bobSub}, "end_date": {a.today().String()}}); res.Status != http.StatusNotFound {
			t.Fatalf("notice on bob's subscription: %d", res.Status)
		}
		end := a.today().AddDays(30).String()
		if res := b.post("/requests/resign", url.Values{"subscription_id": {aliceSub}, "end_date": {end}}); res.Status != http.StatusSeeOther {
			t.Fatalf("notice: %d", res.Status)
		}
		if got := a.scalar("SELECT resign_date FROM subscriptions WHERE id = " + aliceSub); !strings.HasPrefix(got, end) {
			t.Fatalf("resign date %q, want %s", got, end)
		}
		if got := a.scalar("SELECT COUNT(*) FROM subscriptions WHERE resign_date IS NOT NULL"); got != "1" {
			t.Fatalf("%s subscriptions resigned", got)
		}
		// The membership: recorded for staff with its date.
		if res := b.post("/requests/resign", url.Values{"subscription_id": {"0"}, "end_date": {a.today().AddDays(10).String()},
			"resign_comments": {"Moving abroad"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("membership notice: %d", res.Status)
		}
		if got := a.scalar("SELECT resign_date FROM subscriptions WHERE id = " + aliceSub); !strings.HasPrefix(got, a.today().AddDays(10).String()) {
			t.Fatalf("membership notice left the subscription ending %q", got)
		}
		s := a.browser()
		s.login("admin", "admin-password")
		mustContain(t, s.get("/admin/requests").Body, "Notice of resignation of the membership", "Moving abroad", "Alice Test")
	})
}

// A member signs a new mandate by a click: the IBAN is checked, the text
// is the SEPA one, the old mandate is revoked.
func TestSelfServiceMandate(t *testing.T) {
	eachApp(t, withSEPA, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		if err := a.store.CreateMandate(t.Context(), &store.Mandate{MemberID: alice.ID, Reference: "OLD-1",
			SignatureDate: date.MustParse("2025-01-01"), IBAN: "FR7630006000011234567890189", SequenceType: model.SeqRecurring, Active: true}); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/mandate")
		ref := fmt.Sprintf("M%d-2", alice.ID)
		mustContain(t, page.Body, "FR72ZZZ123456", ref, "within 8 weeks", "to send instructions to your bank", "0189")
		if res := b.post("/mandate", url.Values{"iban": {"FR76 3000 6000 0112 3456 7890 188"}, "reference": {ref}, "accept": {"1"}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad IBAN: %d", res.Status)
		}
		if res := b.post("/mandate", url.Values{"iban": {"DE89 3704 0044 0532 0130 00"}, "reference": {ref}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("not accepted: %d", res.Status)
		}
		if res := b.post("/mandate", url.Values{"iban": {"DE89 3704 0044 0532 0130 00"}, "reference": {ref}, "accept": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sign: %d", res.Status)
		}
		if got := a.scalar("SELECT reference || ' ' || iban FROM sepa_mandates WHERE active"); got != ref+" DE89370400440532013000" {
			t.Fatalf("active mandate: %q", got)
		}
		if got := a.scalar("SELECT COUNT(*) FROM sepa_mandates"); got != "2" {
			t.Fatalf("%s mandates", got)
		}
		// The same form again (double click) signs nothing more.
		if res := b.post("/mandate", url.Values{"iban": {"DE89 3704 0044 0532 0130 00"}, "reference": {ref}, "accept": {"1"}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("sign twice: %d", res.Status)
		}
		b.lang = "fr"
		mustContain(t, b.get("/mandate").Body, "dans les 8 semaines", "Identifiant créancier")
	})
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "alice-password")
		b := a.browser()
		b.login("alice", "alice-password")
		if res := b.get("/mandate"); res.Status != http.StatusNotFound {
			t.Fatalf("mandate page without SEPA: %d", res.Status)
		}
	})
}

// The documents zip holds the member's own invoices and data, nobody
// else's.
func TestSelfServiceDocumentsZip(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		bob := a.addMember("bob", model.RoleMember, "bob-password")
		mine := a.validatedInvoice(alice, 1500)
		theirs := a.validatedInvoice(bob, 900)
		b := a.browser()
		b.login("alice", "alice-password")
		res := b.get("/documents.zip")
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("zip: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		got := strings.Join(names, " ")
		if !strings.Contains(got, "invoices/"+mine.Number+".pdf") || !strings.Contains(got, "alice-data.json") ||
			strings.Contains(got, theirs.Number) {
			t.Fatalf("zip holds %s (mine %s, bob's %s)", got, mine.Number, theirs.Number)
		}
	})
}

func TestSelfServiceMandateShowsTheAccountMasked(t *testing.T) {
	eachApp(t, withSEPA, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		if err := a.store.CreateMandate(t.Context(), &store.Mandate{MemberID: alice.ID, Reference: "OLD-1",
			SignatureDate: date.MustParse("2025-01-01"), IBAN: "DE89370400440532013000", SequenceType: model.SeqRecurring, Active: true}); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("alice", "alice-password")
		mustContain(t, b.get("/mandate").Body, "•••• 3000")
	})
}
