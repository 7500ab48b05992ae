package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type result struct {
	status         int
	stdout, stderr string
}

func run(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	st := Run(args, strings.NewReader(stdin), &out, &errb, env)
	return result{st, out.String(), errb.String()}
}

// tempEnv points coin at a fresh data directory.
func tempEnv(t *testing.T, extra ...string) []string {
	dir := t.TempDir()
	return append([]string{"COIN_SERVER_DATA_DIR=" + dir}, extra...)
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"serve", "--no-such-flag"}, {"createsuperuser"}, {}} {
		r := run(t, "", nil, args...)
		if r.status != 2 || !strings.Contains(r.stderr, "Usage: coin") {
			t.Errorf("coin %v: status %d, stderr %q", args, r.status, r.stderr)
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate", "createsuperuser", "demo", "check", "version", "purge-unverified",
		"isp-json", "templates", "templates copy", "maillists-sync", "members-email", "charge-subscriptions", "jobs",
		"import-payments", "sepa-debit", "export-accounting", "api-token", "api-token create"} {
		r := run(t, "", nil, append(strings.Fields(cmd), "--help")...)
		if r.status != 0 || !strings.Contains(r.stdout, "Usage: coin "+cmd) {
			t.Errorf("coin %s --help: %d %q", cmd, r.status, r.stdout)
		}
	}
}

func TestServeRefusesWithoutSecret(t *testing.T) {
	r := run(t, "", tempEnv(t), "serve", "--addr", "127.0.0.1:0")
	if r.status != 1 || !strings.Contains(r.stderr, "server.secret_key is not set") {
		t.Fatalf("status %d stderr %q", r.status, r.stderr)
	}
}

func TestBadConfigStopsStartup(t *testing.T) {
	p := filepath.Join(t.TempDir(), "isp.toml")
	os.WriteFile(p, []byte("[server]\nsecret_key = \""+strings.Repeat("s", 40)+"\"\nlisten = \"x\"\n"), 0o600)
	r := run(t, "", tempEnv(t), "--config", p, "serve")
	if r.status != 1 || !strings.Contains(r.stderr, "isp.toml:3: unknown key server.listen") {
		t.Fatalf("status %d stderr %q", r.status, r.stderr)
	}
	r = run(t, "", tempEnv(t, "COIN_CONFIG="+p), "check")
	if r.status != 1 || !strings.Contains(r.stderr, "unknown key server.listen") {
		t.Fatalf("COIN_CONFIG: status %d stderr %q", r.status, r.stderr)
	}
}

func TestCreateSuperuserAndCheck(t *testing.T) {
	env := tempEnv(t, "COIN_SERVER_SECRET_KEY="+strings.Repeat("s", 40))
	r := run(t, "correct horse battery\n", env, "createsuperuser", "--login", "root", "--email", "root@isp.example")
	if r.status != 0 || !strings.Contains(r.stdout, `administrator "root" created`) {
		t.Fatalf("createsuperuser: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "another password\n", env, "createsuperuser", "--login", "ROOT", "--email", "root@isp.example")
	if r.status != 1 || !strings.Contains(r.stderr, "already taken") {
		t.Fatalf("duplicate: %d %q", r.status, r.stderr)
	}
	r = run(t, "short\n", env, "createsuperuser", "--login", "x", "--email", "x@isp.example")
	if r.status != 1 || !strings.Contains(r.stderr, "at least 8") {
		t.Fatalf("weak password: %d %q", r.status, r.stderr)
	}
	r = run(t, "", env, "check")
	if r.status != 0 || !strings.Contains(r.stdout, "ok   sqlite database reachable") ||
		!strings.Contains(r.stdout, "warn ISP record not filled in") {
		t.Fatalf("check: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "migrate", "status")
	if r.status != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("migrate status: %d %q", r.status, r.stdout)
	}
}

func TestCheckReportsProblems(t *testing.T) {
	over := t.TempDir()
	os.MkdirAll(filepath.Join(over, "email"), 0o755)
	os.WriteFile(filepath.Join(over, "email", "welcome.fr.txt"), []byte("Subject: x\n\n{{.Member.Login\n"), 0o644)
	env := tempEnv(t, "COIN_SERVER_OVERRIDES_DIR="+over)
	r := run(t, "", env, "check")
	if r.status != 1 || !strings.Contains(r.stdout, "FAIL server.secret_key") ||
		!strings.Contains(r.stdout, "welcome.fr.txt:3") {
		t.Fatalf("check: %d %q", r.status, r.stdout)
	}
	r = run(t, "", tempEnv(t, "COIN_SERVER_SECRET_KEY="+strings.Repeat("s", 40),
		"COIN_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=2"), "check")
	if r.status != 1 || !strings.Contains(r.stdout, "FAIL database") {
		t.Fatalf("unreachable database: %d %q", r.status, r.stdout)
	}
}

func TestDemoCommandLoadsOnce(t *testing.T) {
	env := tempEnv(t)
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "demo"); r.status != 1 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("second demo: %d %q", r.status, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	if r := run(t, "", nil, "version"); r.status != 0 || !strings.HasPrefix(r.stdout, "coin ") {
		t.Fatalf("%d %q", r.status, r.stdout)
	}
}

func TestCheckReportsBrokenHooks(t *testing.T) {
	env := tempEnv(t, "COIN_SERVER_SECRET_KEY="+strings.Repeat("s", 40),
		"COIN_SERVICES_HOOKS_VPN_PROVISION=/nonexistent/vpn-provision,{login}")
	r := run(t, "", env, "check")
	if r.status != 1 || !strings.Contains(r.stdout, "FAIL hook services.hooks.vpn.provision: /nonexistent/vpn-provision: not found") {
		t.Fatalf("check: %d %q", r.status, r.stdout)
	}
}

func TestOfferSubscriptionsCount(t *testing.T) {
	env := tempEnv(t)
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "", env, "offer-subscriptions-count", "--json", "--date", "2020-01-01")
	if r.status != 0 || !strings.Contains(r.stdout, `"date": "2020-01-01"`) || !strings.Contains(r.stdout, `"reference": "VPN"`) {
		t.Fatalf("%d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "offer-subscriptions-count")
	if r.status != 0 || !strings.Contains(r.stdout, "total") {
		t.Fatalf("table: %d %q", r.status, r.stdout)
	}
	if r := run(t, "", env, "offer-subscriptions-count", "--date", "25/11/2026"); r.status != 1 || !strings.Contains(r.stderr, "--date") {
		t.Fatalf("bad date: %d %q", r.status, r.stderr)
	}
}

// TestMigrateStatusCreatesNothing: issue 20 ("Small"): coin migrate status
// pointed at a database path that does not exist says so, exits non-zero
// and creates neither the file nor its folder.
func TestMigrateStatusCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "folder")
	for _, env := range [][]string{{"COIN_SERVER_DATA_DIR=" + missing},
		{"COIN_SERVER_DATA_DIR=" + dir, "COIN_DATABASE_URL=sqlite:" + filepath.Join(missing, "coin.db")},
		{"COIN_SERVER_DATA_DIR=" + dir, "COIN_DATABASE_URL=sqlite:absent.db"}} {
		r := run(t, "", env, "migrate", "status")
		if r.status == 0 || !strings.Contains(r.stderr, "database does not exist") {
			t.Errorf("%v: status %d, stdout %q, stderr %q", env, r.status, r.stdout, r.stderr)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 0 {
			t.Fatalf("%v: migrate status created %v (%v)", env, entries, err)
		}
	}
	// Once migrated, status reports.
	env := []string{"COIN_SERVER_DATA_DIR=" + dir}
	if r := run(t, "", env, "migrate"); r.status != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	if r := run(t, "", env, "migrate", "status"); r.status != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("status: %+v", r)
	}
}
