package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/ispdb"
)

func TestISPJSONCommand(t *testing.T) {
	env := tempEnv(t)
	r := run(t, "", env, "isp-json")
	if r.status != 1 || !strings.Contains(r.stderr, "not filled in yet") || !strings.Contains(r.stderr, "/admin/isp") {
		t.Fatalf("without a record: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %q", r.status, r.stderr)
	}
	r = run(t, "", env, "isp-json")
	if r.status != 0 {
		t.Fatalf("isp-json: %d %q", r.status, r.stderr)
	}
	schema, err := ispdb.NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate([]byte(r.stdout)); err != nil {
		t.Fatalf("output fails the schema: %v", err)
	}
	var doc struct {
		Name        string
		MemberCount int
		LogoURL     string
	}
	json.Unmarshal([]byte(r.stdout), &doc)
	if doc.Name != "Traboule" || doc.MemberCount < 30 || doc.LogoURL != "" {
		t.Fatalf("document: %+v", doc)
	}
	// With a public URL, the uploaded logo is published by its absolute URL.
	out := filepath.Join(t.TempDir(), "www", "isp.json")
	os.MkdirAll(filepath.Dir(out), 0o755)
	r = run(t, "", append(env, "COIN_SERVER_PUBLIC_URL=https://coin.traboule.example"), "isp-json", "--output", out)
	if r.status != 0 || r.stdout != "" {
		t.Fatalf("--output: %d %q %q", r.status, r.stdout, r.stderr)
	}
	body, err := os.ReadFile(out)
	if err != nil || schema.Validate(body) != nil || !strings.Contains(string(body), `"logoURL":"https://coin.traboule.example/isp/logo/`) {
		t.Fatalf("file: %v %s", err, body)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	r = run(t, "", env, "isp-json", "--output", filepath.Join(t.TempDir(), "missing", "isp.json"))
	if r.status != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("unwritable output: %d %q", r.status, r.stderr)
	}
}

func TestTemplatesCommands(t *testing.T) {
	over := t.TempDir()
	env := tempEnv(t, "COIN_SERVER_OVERRIDES_DIR="+over)
	r := run(t, "", env, "templates", "list")
	if r.status != 0 || !strings.Contains(r.stdout, "overrides folder: "+over) ||
		!strings.Contains(r.stdout, "invoice/footer.fr.txt") || !strings.Contains(r.stdout, "portal/legal.en.html") ||
		strings.Contains(r.stdout, "overridden") {
		t.Fatalf("list: %d %q", r.status, r.stdout)
	}
	r = run(t, "", env, "templates", "copy", "portal/home.en.html")
	dst := filepath.Join(over, "portal", "home.en.html")
	if r.status != 0 || !strings.Contains(r.stdout, dst) {
		t.Fatalf("copy: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", env, "templates", "copy", "portal/home.en.html")
	if r.status != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("second copy: %d %q", r.status, r.stderr)
	}
	os.WriteFile(dst, []byte("<p>{{.Site.Name</p>"), 0o644)
	r = run(t, "", env, "templates")
	if r.status != 0 || !strings.Contains(r.stdout, "portal/home.en.html") || !strings.Contains(r.stdout, "BROKEN") ||
		!strings.Contains(r.stdout, "home.en.html:1") {
		t.Fatalf("list with a broken override: %d %q", r.status, r.stdout)
	}
	for _, name := range []string{"../../etc/passwd", "email/../../../../tmp/x.txt", "/etc/passwd", "email/nope.txt", "portal"} {
		r = run(t, "", env, "templates", "copy", name)
		if r.status != 1 || !strings.Contains(r.stderr, "unknown template") {
			t.Errorf("copy %q: %d %q", name, r.status, r.stderr)
		}
	}
	entries, _ := os.ReadDir(over)
	if len(entries) != 1 || entries[0].Name() != "portal" {
		t.Fatalf("files outside the expected place: %v", entries)
	}
	r = run(t, "", tempEnv(t), "templates", "copy", "portal/home.en.html")
	if r.status != 1 || !strings.Contains(r.stderr, "overrides_dir") {
		t.Fatalf("copy without folder: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", nil, "templates", "copy"); r.status != 2 {
		t.Fatalf("copy without a name: %d", r.status)
	}
}
