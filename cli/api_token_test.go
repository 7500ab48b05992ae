package cli

import (
	"strings"
	"testing"
)

func TestAPITokenCreateListRevoke(t *testing.T) {
	env := tempEnv(t, "COIN_SERVER_SECRET_KEY="+strings.Repeat("s", 40))
	if r := run(t, "correct horse battery\n", env, "createsuperuser", "--login", "root", "--email", "root@isp.example"); r.status != 0 {
		t.Fatalf("createsuperuser: %d %q", r.status, r.stderr)
	}
	r := run(t, "", env, "api-token", "create", "--login", "root", "--scope", "write", "--expires", "90d", "--name", "ci")
	tok := strings.TrimSpace(r.stdout)
	if r.status != 0 || !strings.HasPrefix(tok, "coin_") || len(tok) < 40 || !strings.Contains(r.stderr, "shown once") {
		t.Fatalf("create: %d %q %q", r.status, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{
		{"api-token", "create", "--login", "nobody", "--scope", "read"},
		{"api-token", "create", "--login", "root", "--scope", "read", "--expires", "soon"},
	} {
		if r := run(t, "", env, bad...); r.status != 1 {
			t.Fatalf("%v: %d %q", bad, r.status, r.stderr)
		}
	}
	if r := run(t, "", env, "api-token", "create", "--login", "root", "--scope", "admin"); r.status != 2 {
		t.Fatalf("bad scope: %d %q", r.status, r.stderr)
	}
	r = run(t, "", env, "api-token", "list")
	if r.status != 0 || !strings.Contains(r.stdout, "root") || !strings.Contains(r.stdout, "write") ||
		!strings.Contains(r.stdout, "live") || strings.Contains(r.stdout, tok) {
		t.Fatalf("list: %d %q", r.status, r.stdout)
	}
	if r := run(t, "", env, "api-token", "revoke", "1"); r.status != 0 || !strings.Contains(r.stdout, "token 1 revoked") {
		t.Fatalf("revoke: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if r := run(t, "", env, "api-token", "list", "--login", "root"); !strings.Contains(r.stdout, "revoked") {
		t.Fatalf("list after revoke: %q", r.stdout)
	}
	if r := run(t, "", env, "api-token", "revoke", "99"); r.status != 1 {
		t.Fatalf("revoke unknown: %d", r.status)
	}
}
