package maillists_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"coin/config"
	"coin/maillists"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// recorder is a real executable that writes its arguments, standard input
// and environment next to itself, and fails or hangs on demand (files
// "fail" and "hang" in its directory).
const recorder = `#!/bin/sh
dir=$(dirname "$0")
n=$(ls "$dir" | grep -c '^args-' || true)
printf '%s\n' "$@" > "$dir/args-$n"
cat > "$dir/stdin-$n"
env > "$dir/env-$n"
echo "pushed $# args"
if [ -f "$dir/hang" ]; then sleep 60; fi
if [ -f "$dir/noisy" ]; then i=0; while [ $i -lt 300 ]; do echo "line $i of a very chatty list server output"; i=$((i+1)); done; fi
if [ -f "$dir/fail" ]; then echo "list server unreachable" >&2; exit 3; fi
exit 0
`

type fixture struct {
	dir    string
	s      *store.Store
	syncer *maillists.Syncer
	list   *store.MailingList
	runs   int
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "sync-list")
	if err := os.WriteFile(script, []byte(recorder), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Maillists
	cfg.SyncCommand = []string{script, "--list={short_name}", "{email}", "literal {short_name} with spaces", "$HOME;rm -rf /"}
	cfg.SyncTimeout = 5 * time.Second
	f := &fixture{dir: dir, s: s, syncer: maillists.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	f.list = &store.MailingList{ShortName: "adherents", Email: "adherents@listes.example.org", Name: "Adhérents", Open: true}
	if err := s.CreateMailingList(context.Background(), f.list); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) member(t *testing.T, login, email, status string, lists ...*store.MailingList) *store.Member {
	t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: login,
		LastName: "X", Email: email, Status: status}
	if err := f.s.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		if _, err := f.s.Subscribe(context.Background(), l.ID, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// last returns what the script recorded on its latest run.
func (f *fixture) last(t *testing.T, what string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, what+"-"+strconv.Itoa(f.runs-1)))
	if err != nil {
		t.Fatalf("the script did not record its %s: %v", what, err)
	}
	return string(b)
}

func (f *fixture) sync(t *testing.T) *store.ListSync {
	t.Helper()
	run, err := f.syncer.Sync(context.Background(), f.list.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.runs++
	return run
}

func TestSyncRunsTheCommandWithTheListOnStdin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Setenv("COIN_CANARY_SECRET", "leaked")
		f := newFixture(t, s)
		f.member(t, "zoe", "zoe@example.org", model.StatusMember, f.list)
		f.member(t, "family1", "famille@example.org", model.StatusMember, f.list)
		f.member(t, "family2", "famille@example.org", model.StatusMember, f.list)
		f.member(t, "ann", "ann@example.org", model.StatusPending, f.list)
		f.member(t, "old", "old@example.org", model.StatusNotMember, f.list)
		f.member(t, "bea", "bea@example.org", model.StatusMember)
		run := f.sync(t)
		if !run.OK() || run.ExitCode != 0 || run.Addresses != 2 || !strings.Contains(run.Output, "pushed 4 args") {
			t.Fatalf("run: %+v", run)
		}
		if got := f.last(t, "stdin"); got != "famille@example.org\nzoe@example.org\n" {
			t.Fatalf("stdin: %q", got)
		}
		want := "--list=adherents\nadherents@listes.example.org\nliteral adherents with spaces\n$HOME;rm -rf /\n"
		if got := f.last(t, "args"); got != want {
			t.Fatalf("arguments: %q, want %q", got, want)
		}
		env := f.last(t, "env")
		if !strings.Contains(env, "PATH=") || strings.Contains(env, "COIN_CANARY_SECRET") || strings.Contains(env, "HOME=") {
			t.Fatalf("environment not clean:\n%s", env)
		}
		l, _ := s.MailingListByID(t.Context(), f.list.ID)
		if l.SyncNeeded || l.LastSyncedAt == nil || l.SyncFailures != 0 || l.SyncLockUntil != nil {
			t.Fatalf("list after push: %+v", l)
		}
		runs, _ := s.ListSyncs(t.Context(), f.list.ID, 10)
		if len(runs) != 1 || runs[0].Addresses != 2 || runs[0].ExitCode != 0 {
			t.Fatalf("recorded: %+v", runs)
		}
	})
}

func TestLeavingTheAssociationLeavesTheListsAtTheNextSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		zoe := f.member(t, "zoe", "zoe@example.org", model.StatusMember, f.list)
		f.member(t, "yann", "yann@example.org", model.StatusMember, f.list)
		f.sync(t)
		if summary, err := f.syncer.SyncDue(ctx); err != nil || summary != "0 lists pushed, 0 failed" {
			t.Fatalf("nothing due: %q %v", summary, err)
		}
		zoe.Status = model.StatusNotMember
		if err := s.UpdateMember(ctx, zoe); err != nil {
			t.Fatal(err)
		}
		summary, err := f.syncer.SyncDue(ctx)
		if err != nil || summary != "1 lists pushed, 0 failed" {
			t.Fatalf("SyncDue: %q %v", summary, err)
		}
		f.runs++
		if got := f.last(t, "stdin"); got != "yann@example.org\n" {
			t.Fatalf("stdin after zoe left: %q", got)
		}
	})
}

func TestFailuresAreRecordedAndRetriedWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		f.member(t, "zoe", "zoe@example.org", model.StatusMember, f.list)
		os.WriteFile(filepath.Join(f.dir, "fail"), nil, 0o644)
		start := time.Now()
		run := f.sync(t)
		if run.OK() || run.ExitCode != 3 || !strings.Contains(run.Error, "exit status 3") ||
			!strings.Contains(run.Output, "list server unreachable") {
			t.Fatalf("failed run: %+v", run)
		}
		l, _ := s.MailingListByID(ctx, f.list.ID)
		if !l.SyncNeeded || l.SyncFailures != 1 || !strings.Contains(l.LastSyncError, "exit status 3") ||
			l.NextSyncAt == nil || l.NextSyncAt.Before(start.Add(50*time.Second)) || l.NextSyncAt.After(time.Now().Add(70*time.Second)) {
			t.Fatalf("list after failure: %+v (next %v)", l, l.NextSyncAt)
		}
		// Not retried before its time…
		summary, err := f.syncer.SyncDue(ctx)
		if err != nil || summary != "0 lists pushed, 0 failed" {
			t.Fatalf("early SyncDue: %q %v", summary, err)
		}
		// …then retried, failing again with a longer delay.
		later := time.Now().Add(2 * time.Minute)
		s.Now = func() time.Time { return later }
		f.syncer.Now = s.Now
		if _, err := f.syncer.SyncDue(ctx); err == nil || !strings.Contains(err.Error(), "exit status 3") {
			t.Fatalf("SyncDue should report the failure: %v", err)
		}
		f.runs++
		l, _ = s.MailingListByID(ctx, f.list.ID)
		if l.SyncFailures != 2 || l.NextSyncAt.Sub(later) < 110*time.Second {
			t.Fatalf("second failure: %+v next in %v", l, l.NextSyncAt.Sub(later))
		}
		// The server is back: the next retry succeeds and the list is clean.
		os.Remove(filepath.Join(f.dir, "fail"))
		later = later.Add(3 * time.Minute)
		if summary, err := f.syncer.SyncDue(ctx); err != nil || summary != "1 lists pushed, 0 failed" {
			t.Fatalf("recovery: %q %v", summary, err)
		}
		l, _ = s.MailingListByID(ctx, f.list.ID)
		if l.SyncNeeded || l.SyncFailures != 0 || l.LastSyncError != "" {
			t.Fatalf("after recovery: %+v", l)
		}
	})
}

func TestHungCommandIsKilledAtTheTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.syncer.Cfg.SyncTimeout = 500 * time.Millisecond
		os.WriteFile(filepath.Join(f.dir, "hang"), nil, 0o644)
		start := time.Now()
		run := f.sync(t)
		elapsed := time.Since(start)
		t.Logf("hung command stopped after %s", elapsed)
		if elapsed > 20*time.Second {
			t.Fatalf("the run took %s: the command was not killed", elapsed)
		}
		if run.OK() || !strings.Contains(run.Error, "killed after the 500ms timeout") || run.ExitCode != -1 {
			t.Fatalf("run: %+v", run)
		}
	})
}

func TestOutputIsCut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		os.WriteFile(filepath.Join(f.dir, "noisy"), nil, 0o644)
		run := f.sync(t)
		if !run.OK() || len(run.Output) > 4200 || !strings.Contains(run.Output, "more bytes not kept") {
			t.Fatalf("output of %d bytes: %.200q…", len(run.Output), run.Output)
		}
	})
}

func TestMissingProgramIsAFailureNotACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.syncer.Cfg.SyncCommand = []string{filepath.Join(f.dir, "no-such-program"), "{short_name}"}
		run, err := f.syncer.Sync(t.Context(), f.list.ID)
		if err != nil || run.OK() || run.ExitCode != -1 || !strings.Contains(run.Error, "no such file") {
			t.Fatalf("%v %+v", err, run)
		}
	})
}

func TestBusyAndUnconfigured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		if l, err := s.ClaimListSync(ctx, f.list.ID, time.Now().Add(time.Minute)); err != nil || l == nil {
			t.Fatal(err)
		}
		if _, err := f.syncer.Sync(ctx, f.list.ID); !errors.Is(err, maillists.ErrBusy) {
			t.Fatalf("held list: %v", err)
		}
		s.ReleaseListSync(ctx, f.list.ID)
		f.syncer.Cfg.SyncCommand = nil
		if _, err := f.syncer.Sync(ctx, f.list.ID); !errors.Is(err, maillists.ErrNoCommand) {
			t.Fatalf("no command: %v", err)
		}
		if summary, err := f.syncer.SyncDue(ctx); err != nil || summary != "no sync command configured" {
			t.Fatalf("SyncDue without command: %q %v", summary, err)
		}
		f.syncer.Cfg.SyncCommand = []string{"/bin/true"}
		if _, err := f.syncer.Sync(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("unknown list synced")
		}
	})
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{0: time.Minute, 1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute,
		9: 256 * time.Minute, 10: 6 * time.Hour, 1000: 6 * time.Hour} {
		if got := maillists.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestAnAddressThatWouldBeAnOptionIsNotRun: {email} is a whole argument
// of the command; a list address starting with "-" is refused there, the
// program does not run, and the failure is recorded for staff.
func TestAnAddressThatWouldBeAnOptionIsNotRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.list.Email = "--config=/tmp/evil@listes.example.org"
		if err := s.UpdateMailingList(t.Context(), f.list); err != nil {
			t.Fatal(err)
		}
		run, err := f.syncer.Sync(t.Context(), f.list.ID)
		if err != nil || run.OK() || !strings.Contains(run.Error, `would start with "-"`) {
			t.Fatalf("%v %+v", err, run)
		}
		if _, err := os.Stat(filepath.Join(f.dir, "args-0")); err == nil {
			t.Fatal("the program ran")
		}
	})
}
