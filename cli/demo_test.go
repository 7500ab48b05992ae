package cli

import (
	"strings"
	"testing"
)

// TestDemoGeneratesHistory runs coin demo --members --months: progress
// on stderr, one line a month, then the same refusal as the plain demo on
// a database that has members.
func TestDemoGeneratesHistory(t *testing.T) {
	env := tempEnv(t)
	r := run(t, "", env, "demo", "--members", "30", "--months", "2", "--seed", "3")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	for _, want := range []string{"34 members", "month 1/2", "month 2/2", "invoices", "done:"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "admin, treasurer") {
		t.Errorf("stdout: %q", r.stdout)
	}
	if r := run(t, "", env, "demo", "--members", "30", "--force"); r.status != 1 || !strings.Contains(r.stderr, "empty database") {
		t.Errorf("a second history: status %d, stderr %q", r.status, r.stderr)
	}
	if r := run(t, "", tempEnv(t), "demo", "--members=-3"); r.status != 1 || !strings.Contains(r.stderr, "positive") {
		t.Errorf("negative --members: status %d, stderr %q", r.status, r.stderr)
	}
}
