package cli

import (
	"strings"
	"testing"
)

func TestClosePeriodCommand(t *testing.T) {
	env := tempEnv(t)
	if r := run(t, "", env, "close-period", "2025-3"); r.status != 1 || !strings.Contains(r.stderr, "a month (YYYY-MM) or a year (YYYY)") {
		t.Fatalf("bad period: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "close-period", "2099"); r.status != 1 || !strings.Contains(r.stderr, "has not ended yet") {
		t.Fatalf("year to come: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "close-period", "2025-03"); r.status != 0 || !strings.Contains(r.stdout, "Period 2025-03 closed (2025-03-01 to 2025-03-31)") {
		t.Fatalf("close: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if r := run(t, "", env, "close-period", "2025-03"); r.status != 1 || !strings.Contains(r.stderr, "closed already") {
		t.Fatalf("closed twice: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "charge-subscriptions", "--date", "2099-01-01"); r.status != 1 ||
		!strings.Contains(r.stderr, "invoices cannot be dated after the day they are validated") {
		t.Fatalf("future charge: %d %q", r.status, r.stderr)
	}
	if r := run(t, "", env, "charge-subscriptions", "--date", "2099-01-01", "--dry-run"); r.status != 0 {
		t.Fatalf("future dry run: %d %q", r.status, r.stderr)
	}
}
