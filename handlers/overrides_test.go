package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// withOverrides gives the app an overrides folder holding files.
func withOverrides(t *testing.T, files map[string]string) (string, func(*configT)) {
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(c *configT) { c.Server.OverridesDir = dir }
}

func TestOverridesChangeThePortalAndMail(t *testing.T) {
	_, tweak := withOverrides(t, map[string]string{
		"portal/home.en.html":         `<p class="ours">Hi {{.Member.FirstName}}, welcome to {{.Site.Name}} — our own words</p>`,
		"email/password_reset.fr.txt": "Subject: Votre lien {{.Site.Name}}\n\nCliquez vite : {{.Link}}\n-- rédigé par nous\n",
		"assets/custom.css":           "header.site { background: #fde; }",
		"assets/logo.svg":             `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	})
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		saveRecord(t, a)
		a.addMember("alice", "member", "password-a")
		b := a.browser()
		b.login("alice", "password-a")
		home := b.get("/")
		mustContain(t, home.Body, `<p class="ours">Hi Alice, welcome to Traboule — our own words</p>`)
		mustNotContain(t, home.Body, "Welcome to your members' area")

		// custom.css is linked after the built-in styles, under a versioned URL.
		css := regexp.MustCompile(`href="(/custom/[0-9a-f]{12}/custom\.css)"`).FindStringSubmatch(home.Body)
		if css == nil || strings.Index(home.Body, css[1]) < strings.Index(home.Body, "app.css") {
			t.Fatalf("custom.css not linked after app.css:\n%s", home.Body[:1500])
		}
		res := b.get(css[1])
		if res.Status != 200 || res.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(res.Body, "#fde") ||
			!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("custom.css: %d %v", res.Status, res.Header)
		}
		// The folder's logo replaces the built-in one (no logo uploaded).
		mustContain(t, home.Body, `/custom/`, `/logo.svg"`)
		for _, p := range []string{"/custom/x/../../etc/passwd", "/custom/x/..%2f..%2fetc%2fpasswd", "/custom/x/notes.txt", "/custom/x/.hidden.css"} {
			if res := b.get(p); res.Status != http.StatusNotFound {
				t.Fatalf("%s: %d", p, res.Status)
			}
		}

		// The French reset e-mail uses the override.
		b.post("/logout", nil)
		b.get("/password-reset")
		b.post("/password-reset", url.Values{"who": {"alice"}})
		_, msg := lastMailLink(t, a, "alice@example.org")
		if msg.Subject != "Votre lien Traboule" || !strings.Contains(msg.TextBody, "-- rédigé par nous") {
			t.Fatalf("reset mail: %q\n%s", msg.Subject, msg.TextBody)
		}
	})
}

func TestBrokenOverrideFallsBackToTheDefault(t *testing.T) {
	_, tweak := withOverrides(t, map[string]string{
		"portal/home.en.html":  `<p>{{.Site.Name</p>`,
		"portal/legal.en.html": `<p>{{.Nothing.Here}}</p>`,
	})
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("alice", "member", "password-a")
		b := a.browser()
		b.login("alice", "password-a")
		home := b.get("/")
		if home.Status != 200 {
			t.Fatalf("home with a broken override: %d", home.Status)
		}
		mustContain(t, home.Body, "Welcome to your members' area")
		if res := b.get("/legal"); res.Status != 200 || !strings.Contains(res.Body, "Personal data") {
			t.Fatalf("legal with a failing override: %d", res.Status)
		}
	})
}

func TestTemplatesInTheBackOffice(t *testing.T) {
	dir, tweak := withOverrides(t, map[string]string{
		"portal/home.fr.html":  `<p>Bonjour</p>`,
		"email/welcome.en.txt": "Subject: x\n\n{{.Member.Login\n",
		"assets/custom.css":    "body{}",
	})
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		list := b.get("/admin/templates")
		mustContain(t, list.Body, dir, `href="/admin/templates/portal/home.fr.html"`, "Overridden", "Broken: built-in used",
			"invoice/footer.fr.txt", "portal/legal.en.html", "custom.css")
		show := b.get("/admin/templates/email/welcome.en.txt")
		mustContain(t, show.Body, "welcome.en.txt:3", "{{.Member.Login", "Subject: Welcome to {{.Site.Name}}")
		mustContain(t, b.get("/admin/templates/portal/home.fr.html").Body, "&lt;p&gt;Bonjour&lt;/p&gt;")
		for _, p := range []string{"/admin/templates/../../etc/passwd", "/admin/templates/..%2f..%2fetc%2fpasswd",
			"/admin/templates/email/..%2f..%2f..%2fetc%2fpasswd", "/admin/templates/%2fetc%2fpasswd",
			"/admin/templates/email", "/admin/templates/nope.txt"} {
			res := b.get(p)
			if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
				t.Fatalf("%s: %d", p, res.Status)
			}
			mustNotContain(t, res.Body, "root:")
		}
	})
}
