package provision

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coin/config"
	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

func testdata(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fixture creates a member, an offer and a subscription with a configuration.
func fixture(t *testing.T, s *store.Store, login string) Target {
	ctx := context.Background()
	m := &store.Member{Login: "alice", Role: "member", PersonType: "natural", FirstName: "Alice", LastName: "L",
		Email: "alice@example.org", Status: "member"}
	if err := s.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
	if err := s.CreateOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
	if err := s.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	c := &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: login,
		Data: map[string]string{"login": login, "ipv4_endpoint": "192.0.2.7/32"}}
	if err := s.SaveConfiguration(ctx, c); err != nil {
		t.Fatal(err)
	}
	return Target{Subscription: sub, Member: m, Offer: o, Config: c, Reference: "VPN-1"}
}

func runner(s *store.Store, hooks config.HookSet) *Runner {
	svc := config.Default().Services
	svc.Hooks.VPN = hooks
	return &Runner{Store: s, Services: &svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestHookGetsLiteralArgumentsStdinAndCleanEnv(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		out := t.TempDir()
		tg := fixture(t, s, "x; rm -rf /tmp/y")
		tg.Password = "s3cret"
		t.Setenv("COIN_SERVER_SECRET_KEY", "must-not-leak")
		r := runner(s, config.HookSet{Provision: []string{testdata(t, "record.sh"), out,
			"{login}", "--member={member_login}", "{subscription_id}", "{ipv4}", "$(id)"}})
		run, err := r.Run(context.Background(), "provision", tg)
		if err != nil {
			t.Fatal(err)
		}
		if !run.OK() || !strings.Contains(run.Output, "provisioned x; rm -rf /tmp/y") {
			t.Fatalf("run: %+v", run)
		}
		args, _ := os.ReadFile(filepath.Join(out, "args"))
		want := "x; rm -rf /tmp/y\n--member=alice\n1\n192.0.2.7/32\n$(id)\n"
		if string(args) != want {
			t.Fatalf("arguments:\n%q\nwant\n%q", args, want)
		}
		var doc map[string]any
		stdin, _ := os.ReadFile(filepath.Join(out, "stdin"))
		if err := json.Unmarshal(stdin, &doc); err != nil {
			t.Fatalf("stdin is not JSON: %s", stdin)
		}
		if doc["action"] != "provision" || doc["password"] != "s3cret" || doc["login"] != "x; rm -rf /tmp/y" {
			t.Fatalf("payload: %s", stdin)
		}
		env, _ := os.ReadFile(filepath.Join(out, "env"))
		if strings.Contains(string(env), "must-not-leak") || !strings.Contains(string(env), "COIN_ACTION=provision") {
			t.Fatalf("environment:\n%s", env)
		}
		runs, _ := s.HookRuns(context.Background(), tg.Subscription.ID, 10)
		if len(runs) != 1 || runs[0].Argv[1] != out || runs[0].ExitCode == nil || *runs[0].ExitCode != 0 {
			t.Fatalf("recorded: %+v", runs)
		}
	})
}

func TestHangingHookIsKilledAtTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tg := fixture(t, s, "bob")
		r := runner(s, config.HookSet{Deprovision: []string{testdata(t, "hang.sh")}, Timeout: 300 * time.Millisecond})
		start := time.Now()
		run, err := r.Run(context.Background(), "deprovision", tg)
		if err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("hook ran %s despite the timeout", elapsed)
		}
		if run.OK() || run.ExitCode != nil || !strings.Contains(run.Error, "timeout") {
			t.Fatalf("run: %+v", run)
		}
		runs, _ := s.HookRuns(context.Background(), tg.Subscription.ID, 10)
		if len(runs) != 1 || !strings.Contains(runs[0].Error, "timeout") {
			t.Fatalf("timeout not recorded: %+v", runs)
		}
	})
}

func TestFailingAndMissingHooksAreRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tg := fixture(t, s, "carol")
		r := runner(s, config.HookSet{Suspend: []string{testdata(t, "fail.sh")},
			Resume: []string{"/nonexistent/hook"}, State: []string{testdata(t, "chatty.sh")}})
		run, _ := r.Run(context.Background(), "suspend", tg)
		if run.OK() || run.ExitCode == nil || *run.ExitCode != 3 || !strings.Contains(run.Output, "no such user") {
			t.Fatalf("failing hook: %+v", run)
		}
		run, _ = r.Run(context.Background(), "resume", tg)
		if run.OK() || !strings.Contains(run.Error, "could not start") {
			t.Fatalf("missing hook: %+v", run)
		}
		run, _ = r.Run(context.Background(), "state", tg)
		if len(run.Output) > OutputLimit+100 || !strings.Contains(run.Output, "more bytes not kept") {
			t.Fatalf("output not capped: %d bytes", len(run.Output))
		}
		if _, err := r.Run(context.Background(), "provision", tg); err != ErrNoHook {
			t.Fatalf("unconfigured: %v", err)
		}
	})
}

func TestStateIsCached(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tg := fixture(t, s, "dan")
		r := runner(s, config.HookSet{State: []string{testdata(t, "state.sh")}})
		a, _ := r.State(context.Background(), tg)
		b, _ := r.State(context.Background(), tg)
		if a == nil || a != b || !strings.Contains(a.Output, `"running"`) {
			t.Fatalf("state: %+v %+v", a, b)
		}
		r.Forget(tg.Subscription.ID)
		c, _ := r.State(context.Background(), tg)
		if c == a {
			t.Fatal("Forget did not drop the cache")
		}
	})
}

func TestCheckFindsMissingPrograms(t *testing.T) {
	svc := config.Default().Services
	svc.Hooks.VPS.State = []string{"/nonexistent/state"}
	svc.Hooks.VPN.Provision = []string{"sh", "-c", "never used"}
	svc.Hooks.DSL.Provision = []string{filepath.Join("testdata", "..", "provision.go")}
	problems := Check(&svc)
	if len(problems) != 2 {
		t.Fatalf("problems: %v", problems)
	}
	for _, p := range problems {
		if !strings.Contains(p.Error(), "services.hooks.") {
			t.Fatal(p)
		}
	}
}

// Thirty page views at once ask the state of one subscription: one
// process runs, and they all get its answer.
func TestParallelStateRunsOneProcess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tg := fixture(t, s, "erin")
		log := filepath.Join(t.TempDir(), "runs")
		r := runner(s, config.HookSet{State: []string{testdata(t, "slow.sh"), log}})
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if run, err := r.State(context.Background(), tg); err != nil || run == nil || !run.OK() {
					t.Errorf("state: %+v %v", run, err)
				}
			}()
		}
		wg.Wait()
		b, _ := os.ReadFile(log)
		if n := strings.Count(string(b), "start"); n != 1 {
			t.Fatalf("30 parallel state requests started %d processes, want 1", n)
		}
	})
}

// However many hooks are asked for at once, at most MaxRunning run.
func TestHookProcessesBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tg := fixture(t, s, "fred")
		log := filepath.Join(t.TempDir(), "runs")
		r := runner(s, config.HookSet{Suspend: []string{testdata(t, "slow.sh"), log}})
		var wg sync.WaitGroup
		for i := 0; i < 3*MaxRunning; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.Run(context.Background(), "suspend", tg); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		b, _ := os.ReadFile(log)
		running, most := 0, 0
		for _, line := range strings.Fields(string(b)) {
			if line == "start" {
				running++
			} else {
				running--
			}
			most = max(most, running)
		}
		if most > MaxRunning || strings.Count(string(b), "start") != 3*MaxRunning {
			t.Fatalf("at most %d hooks ran at once (want ≤ %d):\n%s", most, MaxRunning, b)
		}
	})
}
