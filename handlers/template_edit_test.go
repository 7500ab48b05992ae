package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An admin edits an override in the browser: previews it with sample data,
// is refused a broken text (nothing written), saves it into the overrides
// folder (used at once), sees the difference from the built-in text and
// reverts it.
func TestAdminEditsATemplateInTheBrowser(t *testing.T) {
	tweak := func(c *configT) { c.Server.OverridesDir = t.TempDir() }
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.setIdentity()
		a.addMember("boss", "admin", "boss-password")
		b := a.browser()
		b.login("boss", "boss-password")
		const page = "/admin/templates/email/verify_email.en.txt"
		file := filepath.Join(a.cfg.Server.OverridesDir, "email", "verify_email.en.txt")
		mustContain(t, b.get(page).Body, `name="body"`, `value="preview"`, `value="save"`)

		ours := "Subject: Welcome to {{.Site.Name}}, {{.Member.FirstName}}\r\n\r\nOur own words.\r\n{{.Link}}\r\n"
		res := b.post(page, url.Values{"action": {"preview"}, "body": {ours}})
		if res.Status != http.StatusOK {
			t.Fatalf("preview: %d", res.Status)
		}
		mustContain(t, res.Body, "Subject: Welcome to FAI Test, Camille", "+Our own words.")
		if _, err := os.Stat(file); err == nil {
			t.Fatal("the preview wrote the override")
		}

		for _, bad := range []string{"Subject: Hi {{.Member.FirstName\n\nx", "Hello without a subject line\n", "Subject: {{.Member.Nope}}\n\nx"} {
			res = b.post(page, url.Values{"action": {"save"}, "body": {bad}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("broken text %q: %d", bad, res.Status)
			}
			mustContain(t, res.Body, "This text cannot be used, nothing was saved")
			if _, err := os.Stat(file); err == nil {
				t.Fatalf("a broken text was written: %q", bad)
			}
		}

		res = b.post(page, url.Values{"action": {"save"}, "body": {ours}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.Status, res.Body)
		}
		got, err := os.ReadFile(file)
		if err != nil || string(got) != "Subject: Welcome to {{.Site.Name}}, {{.Member.FirstName}}\n\nOur own words.\n{{.Link}}\n" {
			t.Fatalf("saved file: %q %v", got, err)
		}
		// Used at once: the next sign-up's e-mail.
		v := a.browser()
		v.get("/signup")
		res = v.post("/signup", url.Values{"login": {"zoe"}, "person_type": {"natural"}, "first_name": {"Zoé"},
			"last_name": {"B"}, "email": {"zoe@example.org"}, "password": {"a-good-password"}, "confirm": {"a-good-password"}})
		if res.Status != http.StatusOK {
			t.Fatalf("sign-up: %d", res.Status)
		}
		if _, m := lastMailLink(t, a, "zoe@example.org"); m.Subject != "Welcome to FAI Test, Zoé" || !strings.HasPrefix(m.TextBody, "Our own words.\nhttp") {
			t.Fatalf("verification e-mail: %q %q", m.Subject, m.TextBody)
		}
		detail := b.get(page)
		mustContain(t, detail.Body, "Changes from the built-in text", "+Our own words.", `value="revert"`)

		if res := b.post(page, url.Values{"action": {"revert"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("revert: %d", res.Status)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatal("the override is still there after revert")
		}
		if _, err := os.Stat(file + ".bak"); err != nil {
			t.Fatal("the reverted override was not kept as .bak")
		}

		// Only admins; only known names.
		a.addMember("tres", "treasurer", "tres-password")
		tb := a.browser()
		tb.login("tres", "tres-password")
		if res := tb.post(page, url.Values{"action": {"save"}, "body": {ours}}); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer saves a template: %d", res.Status)
		}
		if res := b.post("/admin/templates/..%2F..%2Fisp.toml", url.Values{"action": {"save"}, "body": {"x"}}); res.Status != http.StatusNotFound {
			t.Fatalf("unknown name: %d", res.Status)
		}
	})
}
