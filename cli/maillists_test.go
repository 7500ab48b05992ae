package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMembersEmailCommand(t *testing.T) {
	env := tempEnv(t)
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %q", r.status, r.stderr)
	}
	r := run(t, "", env, "members-email")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.status != 0 || len(lines) < 30 || !strings.Contains(r.stdout, "member@demo.coin.example\n") {
		t.Fatalf("members-email: %d %d lines %q", r.status, len(lines), r.stderr)
	}
	all := run(t, "", env, "members-email", "--status", "all")
	pending := run(t, "", env, "members-email", "--status", "pending")
	if n := strings.Count(all.stdout, "\n"); n <= len(lines) || strings.Count(pending.stdout, "\n") == 0 {
		t.Fatalf("--status all gives %d lines, pending %q", n, pending.stdout)
	}
	tech := run(t, "", env, "members-email", "--list", "technique")
	if tech.status != 0 || !strings.Contains(tech.stdout, "admin@demo.coin.example\n") || strings.Contains(tech.stdout, "member@demo.coin.example") {
		t.Fatalf("--list technique: %d %q", tech.status, tech.stdout)
	}
	// The demo "member" has a VPN and a fee ending next month.
	for _, args := range [][]string{{"--fee", "up-to-date"}, {"--offer", "VPN"}, {"--active-subscription"}} {
		r := run(t, "", env, append([]string{"members-email"}, args...)...)
		if r.status != 0 || !strings.Contains(r.stdout, "member@demo.coin.example\n") || strings.Count(r.stdout, "\n") >= len(lines) && args[0] == "--offer" {
			t.Errorf("members-email %v: %d %q %q", args, r.status, r.stdout, r.stderr)
		}
	}
	expired := run(t, "", env, "members-email", "--fee", "expired")
	if expired.status != 0 || strings.Contains(expired.stdout, "member@demo.coin.example") {
		t.Errorf("--fee expired lists a member whose fee is paid: %q", expired.stdout)
	}
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"--list", "nope"}, 1, `no mailing list named "nope"`},
		{[]string{"--status", "bogus"}, 2, "--status"},
		{[]string{"--fee", "sometimes"}, 2, "--fee"},
	} {
		r := run(t, "", env, append([]string{"members-email"}, c.args...)...)
		if r.status != c.status || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("members-email %v: %d %q %q", c.args, r.status, r.stdout, r.stderr)
		}
	}
}

func TestMaillistsSyncCommand(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "push")
	os.WriteFile(script, []byte("#!/bin/sh\n{ echo \"== $1 $2\"; cat; } >> \""+dir+"/log\"\n[ -f \""+dir+"/down\" ] && { echo 'server down' >&2; exit 4; }\nexit 0\n"), 0o755)
	env := tempEnv(t)
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "maillists-sync"); r.status != 1 || !strings.Contains(r.stderr, "maillists.sync_command is not set") {
		t.Fatalf("without command: %d %q", r.status, r.stderr)
	}
	env = append(env, "COIN_MAILLISTS_SYNC_COMMAND="+script+",{short_name},{email}")
	r := run(t, "", env, "maillists-sync")
	if r.status != 0 || !strings.Contains(r.stdout, "adherents: pushed ") || !strings.Contains(r.stdout, "technique: pushed ") ||
		!strings.Contains(r.stdout, "annonces: pushed ") {
		t.Fatalf("sync: %d %q %q", r.status, r.stdout, r.stderr)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if !strings.Contains(string(log), "== technique technique@listes.demo.coin.example\nadmin@demo.coin.example\n") {
		t.Fatalf("list server log:\n%s", log)
	}
	os.WriteFile(filepath.Join(dir, "down"), nil, 0o644)
	r = run(t, "", env, "maillists-sync", "--list", "annonces")
	if r.status != 1 || !strings.Contains(r.stdout, "annonces: FAILED: exit status 4 (server down)") ||
		!strings.Contains(r.stderr, "1 of 1 lists could not be pushed") || strings.Contains(r.stdout, "technique") {
		t.Fatalf("failing sync: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if r := run(t, "", env, "maillists-sync", "--list", "nope"); r.status != 1 || !strings.Contains(r.stderr, `no mailing list named "nope"`) {
		t.Fatalf("unknown list: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", append(env, "COIN_MAILLISTS_ENABLED=false"), "maillists-sync"); r.status != 1 || !strings.Contains(r.stderr, "turned off") {
		t.Fatalf("lists off: %d %q", r.status, r.stderr)
	}
}

func TestCheckFindsTheSyncProgram(t *testing.T) {
	env := tempEnv(t, "COIN_SERVER_SECRET_KEY="+strings.Repeat("s", 40))
	r := run(t, "", append(env, "COIN_MAILLISTS_SYNC_COMMAND=/no/such/sync-program,{short_name}"), "check")
	if r.status != 1 || !strings.Contains(r.stdout, "FAIL maillists.sync_command") {
		t.Fatalf("missing program: %d %q", r.status, r.stdout)
	}
	r = run(t, "", append(env, "COIN_MAILLISTS_SYNC_COMMAND=cat"), "check")
	if r.status != 0 || !strings.Contains(r.stdout, "ok   maillists.sync_command runs /") {
		t.Fatalf("program on PATH: %d %q", r.status, r.stdout)
	}
}
