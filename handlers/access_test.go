package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/store"
)

func TestVisitorIsSentToLogin(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		for _, p := range []string{"/", "/profile", "/admin/", "/admin/members"} {
			res := b.get(p)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
				t.Fatalf("GET %s as visitor: %d %q", p, res.Status, res.Header.Get("Location"))
			}
		}
	})
}

func TestMemberIsRefusedTheBackOffice(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		b := a.browser()
		b.login("alice", "alice-password")
		for _, p := range []string{"/admin/", "/admin/members", fmt.Sprintf("/admin/members/%d", bob.ID),
			fmt.Sprintf("/admin/members/%d/edit", bob.ID), "/admin/outbox", "/admin/nothing-here"} {
			if res := b.get(p); res.Status != http.StatusForbidden {
				t.Fatalf("member GET %s: status %d, want 403", p, res.Status)
			}
		}
		// Writes are refused too, and change nothing.
		res := b.post(fmt.Sprintf("/admin/members/%d/edit", bob.ID), url.Values{"first_name": {"Hacked"},
			"last_name": {"X"}, "email": {"x@example.org"}, "status": {"member"}, "person_type": {"natural"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("member POST edit of another member: %d", res.Status)
		}
		res = b.post(fmt.Sprintf("/admin/members/%d/delete", bob.ID), nil)
		if res.Status != http.StatusForbidden {
			t.Fatalf("member POST delete: %d", res.Status)
		}
		got, _ := a.store.MemberByLogin(t.Context(), "bob")
		if got == nil || got.FirstName != "Bob" {
			t.Fatalf("bob was changed: %+v", got)
		}
		// Their own pages work, and show only their own data.
		res = b.get("/profile")
		if res.Status != http.StatusOK {
			t.Fatalf("own profile: %d", res.Status)
		}
		mustContain(t, res.Body, "alice@example.org")
		mustNotContain(t, res.Body, "bob@example.org", "/admin/members")
	})
}

func TestRolesInTheBackOffice(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		target := a.addMember("target", "member", "target-password")
		del := fmt.Sprintf("/admin/members/%d/delete", target.ID)
		for _, role := range []string{"support", "treasurer"} {
			a.addMember(role, role, role+"-password")
			b := a.browser()
			b.login(role, role+"-password")
			if res := b.get("/admin/members"); res.Status != http.StatusOK {
				t.Fatalf("%s lists members: %d", role, res.Status)
			}
			if res := b.get(del); res.Status != http.StatusForbidden {
				t.Fatalf("%s sees the delete page: %d", role, res.Status)
			}
			if res := b.post(del, nil); res.Status != http.StatusForbidden {
				t.Fatalf("%s deletes a member: %d", role, res.Status)
			}
			// A non-admin cannot promote anyone: the role field is ignored.
			res := b.post(fmt.Sprintf("/admin/members/%d/edit", target.ID), url.Values{
				"role": {"admin"}, "first_name": {"T"}, "last_name": {"T"}, "email": {"t@example.org"},
				"status": {"member"}, "person_type": {"natural"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("%s edits a member: %d\n%s", role, res.Status, res.Body)
			}
			if m, _ := a.store.MemberByID(t.Context(), target.ID); m.Role != "member" {
				t.Fatalf("%s promoted a member to %s", role, m.Role)
			}
		}
		a.addMember("boss", "admin", "boss-password")
		b := a.browser()
		b.login("boss", "boss-password")
		b.get(del)
		if res := b.post(del, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("admin deletes: %d", res.Status)
		}
		if _, err := a.store.MemberByID(t.Context(), target.ID); err == nil {
			t.Fatal("member still there after delete")
		}
	})
}

func TestCSRFIsRequiredOnEveryForm(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		form := url.Values{"login": {"newbie"}, "first_name": {"N"}, "last_name": {"B"},
			"email": {"n@example.org"}, "status": {"member"}, "person_type": {"natural"}}
		for name, tok := range map[string]string{"missing": "", "forged": "Zm9yZ2Vk"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tok != "" {
				f.Set("_csrf", tok)
			}
			res := b.postRaw("/admin/members/new", f)
			if res.Status != http.StatusForbidden {
				t.Fatalf("%s token: status %d, want 403", name, res.Status)
			}
		}
		if _, err := a.store.MemberByLogin(t.Context(), "newbie"); err == nil {
			t.Fatal("member created without a valid CSRF token")
		}
		// A token from another browser's cookie does not work either.
		other := a.browser()
		other.get("/login")
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("_csrf", other.csrf)
		if res := b.postRaw("/admin/members/new", f); res.Status != http.StatusForbidden {
			t.Fatalf("another browser's token: %d", res.Status)
		}
		// The login form and logout are protected as well.
		v := a.browser()
		if res := v.postRaw("/login", url.Values{"login": {"admin"}, "password": {"admin-password"}}); res.Status != http.StatusForbidden {
			t.Fatalf("login without token: %d", res.Status)
		}
		// With the page's token, it works.
		b.get("/admin/members/new")
		if res := b.post("/admin/members/new", form); res.Status != http.StatusSeeOther {
			t.Fatalf("with token: %d\n%s", res.Status, res.Body)
		}
	})
}

// TestEachRoleReachesItsPages guards the route table: a permission put on
// a group must not leak onto unrelated pages registered after it.
func TestEachRoleReachesItsPages(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		cases := map[string]map[string]int{
			"support": {"/admin/outbox": 200, "/admin/invoices": 403, "/admin/payments/new": 403,
				"/admin/invoices.csv": 403, "/admin/payments": 403, "/admin/accounting": 403, "/admin/accounting/export": 403,
				"/admin/bank-imports": 403, "/admin/sepa": 403, "/admin/accounting/entries": 403, "/admin/accounting/entries/new": 403,
				"/admin/subscriptions/new": 200, "/admin/fees": 403, "/admin/jobs/": 200, "/admin/isp/": 403, "/admin/offers/new": 403},
			"treasurer": {"/admin/outbox": 200, "/admin/invoices": 200, "/admin/payments/new": 200, "/admin/charge": 200,
				"/admin/subscriptions/new": 403, "/admin/isp/": 403, "/admin/members/new": 200,
				"/admin/accounting/entries": 200, "/admin/accounting/entries/new": 200},
			"admin": {"/admin/isp/": 200, "/admin/offers/new": 200, "/admin/charge": 200, "/admin/templates/": 200},
		}
		for role, pages := range cases {
			a.addMember(role, role, role+"-password")
			b := a.browser()
			b.login(role, role+"-password")
			for p, want := range pages {
				if res := b.get(p); res.Status != want {
					t.Errorf("%s GET %s: %d, want %d", role, p, res.Status, want)
				}
			}
		}
	})
}

// TestStaffCannotTakeOverAnAdminAccount: a treasurer or support agent may
// not change an admin's e-mail address nor send it a password link, and no
// staff reads a sign-in link in the outbox.
func TestStaffCannotTakeOverAnAdminAccount(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		root := a.addMember("root", "admin", "admin-password")
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("helper", "helper-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", root.ID))
		if page.Status != http.StatusOK || strings.Contains(page.Body, "/password-reset") {
			t.Fatalf("admin's page for support: %d, reset button shown: %v", page.Status, strings.Contains(page.Body, "/password-reset"))
		}
		for _, res := range []response{
			b.get(fmt.Sprintf("/admin/members/%d/edit", root.ID)),
			b.post(fmt.Sprintf("/admin/members/%d/edit", root.ID), url.Values{"person_type": {"natural"},
				"first_name": {"Root"}, "email": {"helper@evil.example"}, "status": {"member"}, "language": {"en"}}),
			b.post(fmt.Sprintf("/admin/members/%d/password-reset", root.ID), nil),
		} {
			if res.Status != http.StatusForbidden {
				t.Fatalf("support on the admin's account: %d", res.Status)
			}
		}
		if m, _ := a.store.MemberByID(t.Context(), root.ID); m.Email != root.Email {
			t.Fatalf("the admin's address changed to %s", m.Email)
		}
		if msgs, _, _ := a.store.ListMessages(t.Context(), store.OutboxFilter{}); len(msgs) != 0 {
			t.Fatalf("%d messages queued", len(msgs))
		}
		// A member's password link is sent, but its text is not shown.
		if res := b.post(fmt.Sprintf("/admin/members/%d/password-reset", alice.ID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("reset for a member: %d", res.Status)
		}
		link, msg := lastMailLink(t, a, alice.Email)
		if link == "" {
			t.Fatal("no link in the member's reset mail")
		}
		page = b.get(fmt.Sprintf("/admin/outbox/%d", msg.ID))
		if page.Status != http.StatusOK || strings.Contains(page.Body, link) {
			t.Fatalf("outbox page: %d, link shown: %v", page.Status, strings.Contains(page.Body, link))
		}
		mustContain(t, page.Body, "one-time link")
		// Admins manage staff accounts.
		r := a.browser()
		r.login("root", "admin-password")
		if res := r.get(fmt.Sprintf("/admin/members/%d/edit", root.ID)); res.Status != http.StatusOK {
			t.Fatalf("admin edits an admin: %d", res.Status)
		}
	})
}
