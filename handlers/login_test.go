package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestLoginLogout(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.get("/login")
		res := b.post("/login", url.Values{"login": {"ALICE"}, "password": {"wrong-password"}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", res.Status)
		}
		mustContain(t, res.Body, "Wrong login or password")
		res = b.post("/login", url.Values{"login": {"ALICE"}, "password": {"alice-password"}, "next": {"/profile"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
			t.Fatalf("login: %d %s", res.Status, res.Header.Get("Location"))
		}
		if res := b.get("/"); res.Status != http.StatusOK {
			t.Fatalf("home after login: %d", res.Status)
		}
		b.post("/logout", nil)
		if res := b.get("/"); res.Status != http.StatusSeeOther {
			t.Fatalf("home after logout: %d", res.Status)
		}
	})
}

func TestLoginRedirectStaysOnSite(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "alice-password")
		for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example",
			"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example", "/\u00a0/evil.example"} {
			b := a.browser()
			b.get("/login")
			res := b.post("/login", url.Values{"login": {"alice"}, "password": {"alice-password"}, "next": {next}})
			if loc := res.Header.Get("Location"); loc != "/" {
				t.Fatalf("next=%q redirected to %q", next, loc)
			}
		}
	})
}

func TestLoginIsRateLimited(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.get("/login")
		for i := 0; i < 5; i++ {
			if res := b.post("/login", url.Values{"login": {"alice"}, "password": {"guess"}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, res.Status)
			}
		}
		// Even the right password is refused while throttled.
		res := b.post("/login", url.Values{"login": {"alice"}, "password": {"alice-password"}})
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("6th attempt: %d, want 429", res.Status)
		}
		mustContain(t, res.Body, "Too many failed attempts")
	})
}
