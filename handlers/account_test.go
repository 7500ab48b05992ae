package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"coin/config"
	"coin/model"
	"coin/store"
)

type configT = config.Config

var linkRE = regexp.MustCompile(`http://coin\.test(/[^\s]+)`)

// lastMailLink returns the path of the link in the newest message to addr.
func lastMailLink(t *testing.T, a *testApp, to string) (string, *store.Message) {
	t.Helper()
	msgs, _, err := a.store.ListMessages(t.Context(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == to {
			if l := linkRE.FindStringSubmatch(m.TextBody); l != nil {
				return l[1], m
			}
			return "", m
		}
	}
	t.Fatalf("no message to %s", to)
	return "", nil
}

func TestPasswordResetByMail(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "old-password")
		old := a.browser()
		old.login("alice", "old-password")
		b := a.browser()
		b.get("/password-reset")
		res := b.post("/password-reset", url.Values{"who": {"alice@example.org"}})
		mustContain(t, res.Body, "If an account matches")
		// An unknown address gets the same answer and no message.
		res2 := b.post("/password-reset", url.Values{"who": {"nobody@example.org"}})
		mustContain(t, res2.Body, "If an account matches")
		link, msg := lastMailLink(t, a, "alice@example.org")
		if !strings.HasPrefix(link, "/password-reset/") || !strings.Contains(msg.Subject, "mot de passe") {
			t.Fatalf("reset mail: %q %q", link, msg.Subject)
		}
		b.get(link)
		res = b.post(link, url.Values{"password": {"short"}, "confirm": {"short"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("short password: %d", res.Status)
		}
		res = b.post(link, url.Values{"password": {"new-password"}, "confirm": {"new-password"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", res.Status, res.Body)
		}
		// The link works once; old sessions are closed; the new password works.
		if res := b.get(link); res.Status != http.StatusNotFound {
			t.Fatalf("reused link: %d", res.Status)
		}
		if res := old.get("/"); res.Status != http.StatusSeeOther {
			t.Fatalf("old session still open: %d", res.Status)
		}
		b.login("alice", "new-password")
	})
}

func TestSignUpVerifyAndStaffNotification(t *testing.T) {
	tweak := func(c *configT) { c.Members.SubscriptionsNotificationEmails = []string{"bureau@isp.test"} }
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		b := a.browser()
		b.get("/signup")
		form := url.Values{"login": {"newcomer"}, "person_type": {"natural"}, "first_name": {"Noé"},
			"last_name": {"Lefèvre"}, "email": {"noe@example.org"}, "password": {"a-good-password"},
			"confirm": {"a-good-password"}, "status": {"member"}, "role": {"admin"}}
		res := b.post("/signup", form)
		if res.Status != http.StatusOK {
			t.Fatalf("sign-up: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "noe@example.org")
		m, err := a.store.MemberByLogin(t.Context(), "newcomer")
		if err != nil || m.Status != model.StatusPending || m.Role != model.RoleMember || !m.SelfRegistered {
			t.Fatalf("signed-up member: %+v %v", m, err)
		}
		_, note := lastMailLink(t, a, "bureau@isp.test")
		mustContain(t, note.TextBody, "newcomer", "Noé Lefèvre")
		// Cannot sign in before verifying.
		b.get("/login")
		if res := b.post("/login", url.Values{"login": {"newcomer"}, "password": {"a-good-password"}}); res.Status != http.StatusForbidden {
			t.Fatalf("unverified login: %d", res.Status)
		}
		link, _ := lastMailLink(t, a, "noe@example.org")
		if res := b.get(link); res.Status != http.StatusOK {
			t.Fatalf("verify: %d", res.Status)
		}
		_, welcome := lastMailLink(t, a, "noe@example.org")
		if welcome.Kind != "welcome" {
			t.Fatalf("after verification the last mail is %q", welcome.Kind)
		}
		b.login("newcomer", "a-good-password")
	})
}

func TestSignUpClosed(t *testing.T) {
	eachApp(t, func(c *configT) { c.Members.RegistrationOpen = false }, func(t *testing.T, a *testApp) {
		b := a.browser()
		if res := b.get("/signup"); res.Status != http.StatusNotFound {
			t.Fatalf("closed sign-up page: %d", res.Status)
		}
	})
}

// The sign-up form says what is required and the login rules before any
// error, and asks to accept the statutes and privacy notice the ISP
// record links to; the day of acceptance is kept.
func TestSignUpAcceptsTheStatutesAndPrivacyNotice(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		r := &store.ISP{Name: "FAI Test", Email: "bureau@isp.test", StatutesURL: "https://isp.test/statuts.pdf",
			PrivacyURL: "https://isp.test/confidentialite"}
		if err := a.isp.Save(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.lang = "fr"
		page := b.get("/signup")
		mustContain(t, page.Body, "Les champs marqués * sont obligatoires.", "2 à 63 caractères",
			`href="https://isp.test/statuts.pdf"`, `href="https://isp.test/confidentialite"`, `name="accept_terms"`,
			">Mot de passe", `class="grid natural-only"`, `class="legal-only"`)
		mustNotContain(t, page.Body, "Nouveau mot de passe")
		form := url.Values{"login": {"newcomer"}, "person_type": {"natural"}, "first_name": {"Noé"},
			"last_name": {"Lefèvre"}, "email": {"noe@example.org"}, "password": {"a-good-password"},
			"confirm": {"a-good-password"}}
		res := b.post("/signup", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("sign-up without accepting: %d", res.Status)
		}
		mustContain(t, res.Body, "Merci de les lire et de les accepter pour adhérer.")
		if _, err := a.store.MemberByLogin(t.Context(), "newcomer"); err == nil {
			t.Fatal("a member was created without accepting the statutes")
		}
		form.Set("accept_terms", "1")
		if res := b.post("/signup", form); res.Status != http.StatusOK {
			t.Fatalf("sign-up: %d\n%s", res.Status, res.Body)
		}
		m, err := a.store.MemberByLogin(t.Context(), "newcomer")
		if err != nil {
			t.Fatal(err)
		}
		if at, err := a.store.TermsAcceptedAt(t.Context(), m.ID); err != nil || at == nil {
			t.Fatalf("acceptance not kept: %v %v", at, err)
		}
	})
}
