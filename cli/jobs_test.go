package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/model"
	"coin/store"
	"coin/views"
)

func TestJobCommands(t *testing.T) {
	for _, cmd := range []string{"call-for-membership-fees", "jobs", "jobs run"} {
		r := run(t, "", nil, append(strings.Fields(cmd), "--help")...)
		if r.status != 0 || !strings.Contains(r.stdout, "Usage: coin "+cmd) {
			t.Errorf("coin %s --help: %d %q", cmd, r.status, r.stdout)
		}
	}
	dir := t.TempDir()
	env := []string{"COIN_SERVER_DATA_DIR=" + dir}
	ctx := context.Background()
	// A member whose fee ends on 15 July 2026.
	st, err := store.Open(ctx, "sqlite", filepath.Join(dir, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := &store.Member{Login: "zoe", Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		Email: "zoe@example.org", Status: model.StatusMember, SendFeeReminders: true}
	st.CreateMember(ctx, m)
	st.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: m.ID, Amount: 1500,
		StartDate: date.MustParse("2025-07-16"), EndDate: date.MustParse("2026-07-15")})

	r := run(t, "", env, "call-for-membership-fees", "--date", "2026-06-15", "--dry-run")
	if r.status != 0 || !strings.Contains(r.stdout, "1 reminder would be sent (dry run)") || !strings.Contains(r.stdout, "zoe@example.org") {
		t.Fatalf("dry run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "call-for-membership-fees", "--date", "2026-06-15")
	if r.status != 0 || !strings.HasPrefix(r.stdout, "1 reminder sent") {
		t.Fatalf("run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "jobs", "run", "call-for-membership-fees", "--date", "2026-06-16")
	if r.status != 0 || !strings.HasPrefix(r.stdout, "0 reminders sent, 1 already sent earlier") {
		t.Fatalf("second run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if _, total, _ := st.ListMessages(ctx, store.OutboxFilter{}); total != 1 {
		t.Fatalf("%d messages queued", total)
	}
	r = run(t, "", env, "jobs")
	if r.status != 0 || !strings.Contains(r.stdout, "call-for-membership-fees  42 3 * * *") ||
		!strings.Contains(r.stdout, "ok 0 reminders sent") || !strings.Contains(r.stdout, "outbox") {
		t.Fatalf("jobs list: %d %q %q", r.status, r.stdout, r.stderr)
	}
	// Failures are one line and a non-zero status.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"call-for-membership-fees", "--date", "15/06/2026"}, "--date: date \"15/06/2026\": want YYYY-MM-DD"},
		{[]string{"jobs", "run", "make-coffee"}, `"make-coffee": no such job`},
	} {
		r = run(t, "", env, c.args...)
		if r.status != 1 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("coin %v: %d %q", c.args, r.status, r.stderr)
		}
	}
	// While another process runs the job, the command says so and stops.
	lock, err := st.TryJobLock(ctx, "call-for-membership-fees")
	if err != nil {
		t.Fatal(err)
	}
	r = run(t, "", env, "call-for-membership-fees")
	lock.Release()
	if r.status != 1 || !strings.Contains(r.stderr, "call-for-membership-fees is already running") {
		t.Fatalf("busy: %d %q", r.status, r.stderr)
	}
	r = run(t, "", env, "purge-unverified", "--dry-run")
	if r.status != 0 || !strings.Contains(r.stdout, "0 unverified sign-ups would be deleted (dry run)") {
		t.Fatalf("purge dry run: %d %q %q", r.status, r.stdout, r.stderr)
	}
}

// TestEveryJobIsDescribedInBothLanguages: the back office's job list says
// what each job does in the reader's language.
func TestEveryJobIsDescribedInBothLanguages(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	a := &app{cfg: &cfg}
	for _, j := range a.jobList() {
		id := views.JobDescriptionID(j.Name)
		for _, lang := range []string{"en", "fr"} {
			if !c.IDs(lang)[id] {
				t.Errorf("job %s: no %q in %s", j.Name, id, lang)
			}
		}
	}
}
