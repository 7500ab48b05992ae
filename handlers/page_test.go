package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/config"
)

func TestHTMXGetsFragmentsAndPlainRequestsPages(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		full := b.get("/admin/members")
		mustContain(t, full.Body, "<!doctype html>", "<main", `id="member-table"`)
		frag := b.get("/admin/members", "HX-Request", "true", "HX-Target", "main")
		mustNotContain(t, frag.Body, "<!doctype html>", "<main")
		mustContain(t, frag.Body, `id="member-table"`, "<title>", `id="sections"`)
		if frag.Header.Get("HX-Push-Url") != "/admin/members" {
			t.Fatalf("HX-Push-Url = %q", frag.Header.Get("HX-Push-Url"))
		}
		table := b.get("/admin/members?q=adm", "HX-Request", "true", "HX-Target", "member-table")
		if !strings.HasPrefix(table.Body, `<div id="member-table">`) {
			t.Fatalf("table fragment: %.200s", table.Body)
		}
		mustContain(t, table.Body, "admin@example.org")
	})
}

func TestMemberFormInlineErrorsAndCreate(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/members/new")
		bad := url.Values{"login": {"Bad Login"}, "person_type": {"natural"}, "first_name": {"Zoé"},
			"email": {"not-an-address"}, "status": {"member"}}
		res := b.post("/admin/members/new", bad, "HX-Request", "true", "HX-Target", "member-form")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid form: %d", res.Status)
		}
		if !strings.HasPrefix(res.Body, "<form") {
			t.Fatalf("htmx error response is not the form alone: %.100s", res.Body)
		}
		mustContain(t, res.Body, "Enter a valid e-mail address.", "This field is required.", `aria-invalid="true"`, `value="Zoé"`)
		good := url.Values{"login": {"zoe"}, "person_type": {"natural"}, "first_name": {"Zoé"}, "last_name": {"SStraße"},
			"email": {"zoe@example.org"}, "status": {"member"}, "date_joined": {"2025-03-01"}}
		res = b.post("/admin/members/new", good, "HX-Request", "true", "HX-Target", "member-form")
		var loc struct{ Path, Target string }
		if err := json.Unmarshal([]byte(res.Header.Get("HX-Location")), &loc); err != nil || loc.Target != "#main" ||
			!strings.HasPrefix(loc.Path, "/admin/members/") {
			t.Fatalf("HX-Location = %q (%v)", res.Header.Get("HX-Location"), err)
		}
		page := b.get(loc.Path)
		mustContain(t, page.Body, "Zoé SStraße", "zoe@example.org", "The member has been created.")
		// A duplicate login is an inline error, not a 500.
		b.get("/admin/members/new")
		res = b.post("/admin/members/new", good)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate login: %d", res.Status)
		}
		mustContain(t, res.Body, "This login is already taken.")
	})
}

func TestMemberListSearchSortPaginate(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		for i := 0; i < 30; i++ {
			a.addMember("m"+string(rune('a'+i%26))+string(rune('a'+i/26)), "member", "password-x")
		}
		b := a.browser()
		b.login("admin", "admin-password")
		res := b.get("/admin/members?sort=login")
		mustContain(t, res.Body, "31 members", "Page 1 of 2", "page=2")
		res = b.get("/admin/members?sort=login&page=2")
		mustContain(t, res.Body, "Page 2 of 2", "mza")
		res = b.get("/admin/members?q=MZA")
		mustContain(t, res.Body, "1 member")
		// Unknown sort keys fall back to the default, never reach SQL.
		if res := b.get("/admin/members?sort=login;drop%20table%20members"); res.Status != http.StatusOK {
			t.Fatalf("odd sort: %d", res.Status)
		}
	})
}

func TestLanguageNegotiation(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		b.lang = "fr-FR,fr;q=0.9"
		mustContain(t, b.get("/login").Body, "Connexion", `lang="fr"`)
		b.lang = "de-DE"
		mustContain(t, b.get("/login").Body, "Connexion") // default language
		b.lang = "en-GB,en;q=0.8"
		mustContain(t, b.get("/login").Body, "Sign in", `lang="en"`)
		// An explicit choice wins over the browser.
		b.post("/language", url.Values{"lang": {"fr"}, "next": {"/login"}})
		mustContain(t, b.get("/login").Body, "Connexion")
	})
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.PublicURL = "https://coin.example.org" }, func(t *testing.T, a *testApp) {
		b := a.browser()
		res := b.get("/login")
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Strict-Transport-Security": "max-age=63072000; includeSubDomains"} {
			if got := res.Header.Get(h); got != want {
				t.Fatalf("%s = %q, want %q", h, got, want)
			}
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Fatalf("CSP = %q", res.Header.Get("Content-Security-Policy"))
		}
		if !strings.Contains(strings.ToLower(res.Header.Get("Set-Cookie")), "; secure") {
			t.Fatalf("cookie not Secure behind TLS: %q", res.Header.Get("Set-Cookie"))
		}
		h := b.get("/healthz")
		if h.Status != 200 || !strings.Contains(h.Body, `"status":"ok"`) {
			t.Fatalf("healthz: %d %s", h.Status, h.Body)
		}
	})
}

func TestAssetsAreVersionedAndCached(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		page := b.get("/login")
		i := strings.Index(page.Body, "/assets/")
		j := strings.Index(page.Body[i:], `"`)
		css := page.Body[i : i+j]
		res := b.get(css)
		if res.Status != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("%s: %d %q", css, res.Status, res.Header.Get("Cache-Control"))
		}
		if res := b.get("/assets/000000000000/app.css"); res.Header.Get("Cache-Control") != "public, max-age=60" {
			t.Fatalf("stale hash cached for %q", res.Header.Get("Cache-Control"))
		}
		if res := b.get("/assets/x/../../../etc/passwd"); res.Status != http.StatusNotFound {
			t.Fatalf("traversal: %d", res.Status)
		}
	})
}

func TestUnderBasePath(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.BasePath = "/coin/" }, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		if res := b.get("/login"); res.Status != http.StatusNotFound {
			t.Fatalf("/login outside the base path: %d", res.Status)
		}
		page := b.get("/coin/login")
		mustContain(t, page.Body, `action="/coin/login"`, `href="/coin/assets/`)
		if !strings.Contains(page.Header.Get("Set-Cookie"), "path=/coin") {
			t.Fatalf("cookie path: %q", page.Header.Get("Set-Cookie"))
		}
		res := b.post("/coin/login", url.Values{"login": {"admin"}, "password": {"admin-password"}})
		if res.Header.Get("Location") != "/coin/admin/" {
			t.Fatalf("redirect after login: %q", res.Header.Get("Location"))
		}
		list := b.get("/coin/admin/members")
		mustContain(t, list.Body, `href="/coin/admin/members/new"`, `href="/coin/admin/members/1"`)
		if res := b.get("/coin/healthz"); res.Status != 200 {
			t.Fatalf("healthz under base path: %d", res.Status)
		}
	})
}

func TestLanguageSwitchReturnsToTheCurrentPage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/")
		// The form still says "/admin/" (page first loaded); htmx has since
		// moved to the members list, which the Referer tells.
		res := b.post("/language", url.Values{"lang": {"fr"}, "next": {"/admin/"}},
			"Referer", "http://example.com/admin/members?q=x")
		if loc := res.Header.Get("Location"); loc != "/admin/members?q=x" {
			t.Fatalf("redirect to %q", loc)
		}
		// A foreign Referer is ignored.
		res = b.post("/language", url.Values{"lang": {"en"}, "next": {"/admin/"}}, "Referer", "https://evil.example/phish")
		if loc := res.Header.Get("Location"); loc != "/admin/" {
			t.Fatalf("foreign referer: %q", loc)
		}
	})
}
