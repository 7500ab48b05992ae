//go:build unix

package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"coin/date"
	"coin/model"
	"coin/store"
)

// TestHelperCoin is not a test: TestEnforceArrearsKilledThenRerun starts the
// test binary on it as a `coin` child process, to kill it.
func TestHelperCoin(t *testing.T) {
	args := os.Getenv("COIN_HELPER_ARGS")
	if args == "" {
		t.Skip("helper process only")
	}
	os.Exit(Run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}

// TestEnforceArrearsKilledThenRerun kills -9 a `coin enforce-arrears` while
// its suspend hook runs, then runs it again: the state is that of one run,
// the hook ran again for the subscription it had not finished, and a third
// run does nothing.
func TestEnforceArrearsKilledThenRerun(t *testing.T) {
	dir := t.TempDir()
	hookLog := filepath.Join(dir, "hooks.log")
	hook := filepath.Join(dir, "hook.sh")
	// The first run of the hook hangs (until killed); the next ones return.
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + hookLog + "\n" +
		"if [ ! -e " + hookLog + ".hung ]; then touch " + hookLog + ".hung; sleep 60; fi\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"COIN_SERVER_DATA_DIR=" + dir, "COIN_COLLECTIONS_SUSPEND_THRESHOLD=50.00",
		"COIN_COLLECTIONS_SUSPEND_AFTER_DAYS=30", "COIN_COLLECTIONS_NOTICE_DAYS=0",
		"COIN_SERVICES_HOOKS_VPN_SUSPEND=" + hook + ",suspend,{login}"}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(dir, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := &store.Member{Login: "zoe", Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		Email: "zoe@example.org", Status: model.StatusMember}
	if err := st.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
	if err := st.CreateOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	var subs []*store.Subscription
	for _, login := range []string{"zoe-1", "zoe-2"} {
		sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2025-01-01")}
		if err := st.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveConfiguration(ctx, &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: login,
			Data: map[string]string{"login": login}}); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	inv := &store.Invoice{MemberID: m.ID}
	if err := st.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: 9000, AmountCents: 9000}}); err != nil {
		t.Fatal(err)
	}
	inv.Number, inv.IssueDate, inv.DueDate = "2025-000001", date.MustParse("2025-12-01"), date.MustParse("2026-01-01")
	if err := st.ValidateInvoice(ctx, inv, nil); err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestHelperCoin$")
	child.Env = append(append(os.Environ(), env...), "COIN_HELPER_ARGS=enforce-arrears --date 2026-02-15")
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(hookLog + ".hung"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
			t.Fatal("the hook never started")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// kill -9 the whole group: coin and its hook.
	if err := syscall.Kill(-child.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()

	for i := range 2 {
		r := run(t, "", env, "enforce-arrears", "--date", "2026-02-15")
		if r.status != 0 {
			t.Fatalf("rerun %d: %d %q %q", i, r.status, r.stdout, r.stderr)
		}
	}
	lines, _ := os.ReadFile(hookLog)
	got := strings.Split(strings.TrimSpace(string(lines)), "\n")
	// The killed hook (zoe-1) runs again; zoe-2's runs once.
	if len(got) != 3 || got[0] != "suspend zoe-1" || got[1] != "suspend zoe-1" || got[2] != "suspend zoe-2" {
		t.Fatalf("hook runs: %q", got)
	}
	for _, sub := range subs {
		row, _ := st.SubscriptionByID(ctx, sub.ID)
		a, _ := st.ArrearsOfSubscription(ctx, sub.ID)
		if !row.Suspended || a.State != store.ArrearsSuspended {
			t.Fatalf("subscription %d: suspended %v, state %q", sub.ID, row.Suspended, a.State)
		}
	}
	steps, _ := st.CollectionStepsOf(ctx, m.ID, 20)
	kinds := map[string]int{}
	for _, s := range steps {
		kinds[s.Kind]++
	}
	if kinds[store.StepNotice] != 1 || kinds[store.StepSuspend] != 2 {
		t.Fatalf("steps: %v", kinds)
	}
}
