package overrides

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coin/ispdb"
	"coin/store"
)

// newRegistry returns a registry over a fresh folder that re-reads files at
// once, and the log it writes.
func newRegistry(t *testing.T) (*Registry, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	r := New(t.TempDir(), slog.New(slog.NewTextHandler(&logs, nil)))
	r.recheck = 0
	return r, &logs
}

func write(t *testing.T, r *Registry, name, body string) {
	t.Helper()
	p := filepath.Join(r.Dir(), filepath.FromSlash(name))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverrideWinsAndIsPickedUpWithoutRestart(t *testing.T) {
	r, _ := newRegistry(t)
	data := map[string]any{"Site": map[string]string{"Name": "Rézo"}}
	out, err := r.Render("portal/home.en.html", data)
	if err != nil || !strings.Contains(out, "Welcome to your members' area at Rézo") {
		t.Fatalf("default: %v %q", err, out)
	}
	write(t, r, "portal/home.en.html", `<p>Hello from {{.Site.Name}} &amp; friends</p>`)
	if out, _ = r.Render("portal/home.en.html", data); out != `<p>Hello from Rézo &amp; friends</p>` {
		t.Fatalf("override not used: %q", out)
	}
	time.Sleep(10 * time.Millisecond) // a later modification time
	write(t, r, "portal/home.en.html", `<p>Edited again</p>`)
	if out, _ = r.Render("portal/home.en.html", data); out != `<p>Edited again</p>` {
		t.Fatalf("edit not picked up: %q", out)
	}
	os.Remove(filepath.Join(r.Dir(), "portal", "home.en.html"))
	if out, _ = r.Render("portal/home.en.html", data); !strings.Contains(out, "Welcome") {
		t.Fatalf("removed override still used: %q", out)
	}
}

func TestBrokenOverrideFallsBackAndIsReported(t *testing.T) {
	r, logs := newRegistry(t)
	write(t, r, "email/welcome.fr.txt", "Subject: Bienvenue\n\nBonjour {{.Member.Login\n")
	out, err := r.Render("email/welcome.fr.txt", map[string]any{"Site": map[string]string{"Name": "Rézo"},
		"Member": &store.Member{Login: "zoe"}})
	if err != nil || !strings.HasPrefix(out, "Subject: Bienvenue chez Rézo") {
		t.Fatalf("fallback: %v %q", err, out)
	}
	if !strings.Contains(logs.String(), "broken template override") || !strings.Contains(logs.String(), "welcome.fr.txt:3") {
		t.Fatalf("not logged with file and line: %s", logs)
	}
	errs := r.Check()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "welcome.fr.txt:3") {
		t.Fatalf("Check: %v", errs)
	}
	// An override that parses but fails while running falls back too.
	write(t, r, "portal/home.en.html", `<p>{{.Site.Name.Missing}}</p>`)
	out, err = r.Render("portal/home.en.html", map[string]any{"Site": struct{ Name string }{"Rézo"}})
	if err != nil || !strings.Contains(out, "Welcome") || !strings.Contains(logs.String(), "template override failed") {
		t.Fatalf("execution failure: %v %q\n%s", err, out, logs)
	}
}

func TestUnknownNamesAndTraversalAreRefused(t *testing.T) {
	r, _ := newRegistry(t)
	for _, name := range []string{"../../etc/passwd", "email/../../../etc/passwd", "/etc/passwd",
		"email/welcome.de.txt", "", "email", "./email/welcome.fr.txt", `email\welcome.fr.txt`} {
		if _, err := r.Copy(name); !errors.Is(err, ErrUnknown) {
			t.Errorf("Copy(%q) = %v, want ErrUnknown", name, err)
		}
		if _, err := r.Render(name, nil); !errors.Is(err, ErrUnknown) {
			t.Errorf("Render(%q) = %v", name, err)
		}
	}
	entries, _ := os.ReadDir(r.Dir())
	if len(entries) != 0 {
		t.Fatalf("files written: %v", entries)
	}
}

func TestCopyAndList(t *testing.T) {
	r, _ := newRegistry(t)
	dst, err := r.Copy("invoice/footer.fr.txt")
	if err != nil || dst != filepath.Join(r.Dir(), "invoice", "footer.fr.txt") {
		t.Fatalf("copy: %v %s", err, dst)
	}
	body, _ := os.ReadFile(dst)
	def, _ := Default("invoice/footer.fr.txt")
	if !bytes.Equal(body, def) {
		t.Fatal("copy differs from the default")
	}
	if _, err := r.Copy("invoice/footer.fr.txt"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second copy: %v", err)
	}
	n := 0
	for _, info := range r.List() {
		if info.Description == "" {
			t.Errorf("%s has no description", info.Name)
		}
		if info.Overridden {
			n++
			if info.Name != "invoice/footer.fr.txt" {
				t.Errorf("%s said overridden", info.Name)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d overridden", n)
	}
	if _, err := New("", nil).Copy("invoice/footer.fr.txt"); err == nil || !strings.Contains(err.Error(), "overrides_dir") {
		t.Fatalf("copy without folder: %v", err)
	}
}

// TestEveryDefaultRenders runs each built-in template on the data its
// callers give, so a default can never be the broken one.
func TestEveryDefaultRenders(t *testing.T) {
	r := New("", nil)
	id := ispdb.Identity{Name: "Rézo", AddressLines: []string{"1 rue X", "69001 Lyon"}, IBAN: "FR7630006000011234567890189",
		BIC: "AGRIFRPP", BankName: "Banque", LegalMentions: "Association loi 1901", Email: "c@rezo.example"}
	// E-mails get the site as mail.Site, which adds the members' area URL.
	mailSite := map[string]any{"Name": id.Name, "Email": id.Email, "URL": "https://x/", "IBAN": id.IBANFormatted(),
		"BIC": id.BIC, "AddressLines": id.AddressLines, "LegalMentions": id.LegalMentions}
	for _, name := range Names() {
		var site any = id
		if strings.HasPrefix(name, "email/") {
			site = mailSite
		}
		out, err := r.Render(name, map[string]any{"Site": site, "Member": &store.Member{FirstName: "Zoé", Login: "zoe", Email: "z@x.org"},
			"Link": "https://x/y", "Reference": "ADH-1",
			"Invoice": map[string]any{"Number": "2026-000001", "Total": "5,00 €", "DueDate": "25/12/2026", "Link": "https://x/i"},
			"Payment": map[string]any{"Amount": "5,00 €", "Date": "01/12/2026", "Label": "VIR"}})
		if err != nil || strings.TrimSpace(out) == "" {
			t.Errorf("%s: %v %q", name, err, out)
		}
	}
	out, _ := r.Render("invoice/footer.fr.txt", map[string]any{"Site": id})
	want := "Rézo · 1 rue X · 69001 Lyon\nRèglement par virement : IBAN FR76 3000 6000 0112 3456 7890 189 · BIC AGRIFRPP (Banque)\nAssociation loi 1901\n"
	if out != want {
		t.Fatalf("invoice footer:\n%q\nwant\n%q", out, want)
	}
	if out, _ := r.Render("invoice/footer.en.txt", map[string]any{"Site": ispdb.Identity{Name: "Rézo"}}); out != "Rézo\n" {
		t.Fatalf("footer of a bare identity: %q", out)
	}
}

func TestAssets(t *testing.T) {
	r, _ := newRegistry(t)
	if r.AssetPath(CustomCSS) != "" || r.LogoPath() != "" {
		t.Fatal("assets without files")
	}
	write(t, r, "assets/custom.css", "body { color: red }")
	write(t, r, "assets/logo.png", "\x89PNG fake")
	write(t, r, "assets/notes.txt", "secret")
	write(t, r, "assets/.hidden.css", "x")
	p := r.AssetPath(CustomCSS)
	if !strings.HasSuffix(p, "/custom.css") || len(p) != 12+len("/custom.css") {
		t.Fatalf("custom.css path %q", p)
	}
	a, err := r.Asset("custom.css")
	if err != nil || a.ContentType != "text/css; charset=utf-8" || string(a.Body) != "body { color: red }" {
		t.Fatalf("asset: %v %+v", err, a)
	}
	if !strings.HasSuffix(r.LogoPath(), "/logo.png") {
		t.Fatalf("logo: %q", r.LogoPath())
	}
	time.Sleep(10 * time.Millisecond)
	write(t, r, "assets/custom.css", "body { color: blue }")
	if q := r.AssetPath(CustomCSS); q == p {
		t.Fatal("changed file kept its version")
	}
	for _, name := range []string{"notes.txt", ".hidden.css", "../assets/custom.css", "../../etc/passwd", "/etc/passwd", "a//b.css", "./custom.css"} {
		if a, _ := r.Asset(name); a != nil {
			t.Errorf("%q served", name)
		}
	}
	if got := strings.Join(r.AssetNames(), ","); got != "custom.css,logo.png" {
		t.Fatalf("names: %s", got)
	}
}

// TestMissingAssetsAreNotRemembered: visitors asking for names that do not
// exist do not grow the server's memory.
func TestMissingAssetsAreNotRemembered(t *testing.T) {
	r, _ := newRegistry(t)
	for i := range 1000 {
		if a, err := r.Asset(fmt.Sprintf("x%d.css", i)); a != nil || err != nil {
			t.Fatal(a, err)
		}
	}
	r.AssetPath(CustomCSS)
	if len(r.assets) != 1 {
		t.Fatalf("%d entries kept", len(r.assets))
	}
}
