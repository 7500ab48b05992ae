package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	env := tempEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "members.csv")
	bad := "external_id;first_name;last_name;email\nA1;Alix;Martin;alix@example.org\nA2;Zoé;Lune;zoe at example\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", env, "import", "members", file)
	if r.status != 1 || !strings.Contains(r.stdout, "line 3, column email: Enter a valid e-mail address.") ||
		!strings.Contains(r.stdout, "Nothing was imported") {
		t.Fatalf("bad line: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import", "members", file, "--dry-run", "--skip-bad")
	if r.status != 0 || !strings.Contains(r.stdout, "dry run, nothing imported: 1 to create") {
		t.Fatalf("dry run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import", "members", file, "--skip-bad")
	if r.status != 0 || !strings.Contains(r.stdout, "Imported: 1 created") {
		t.Fatalf("skip bad: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import", "members", file, "--skip-bad")
	if r.status != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 1 unchanged") {
		t.Fatalf("again: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import", "members", file, "--profile", "dolibarr")
	if r.status != 1 || !strings.Contains(r.stderr, "Unknown layout") {
		t.Fatalf("unknown profile: %d %q %q", r.status, r.stdout, r.stderr)
	}
}
