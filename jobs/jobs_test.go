package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"coin/date"
	"coin/jobs"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var paris, _ = time.LoadLocation("Europe/Paris")

func newScheduler(t *testing.T, s *store.Store, list ...jobs.Job) *jobs.Scheduler {
	t.Helper()
	sc, err := jobs.New(s, paris, quiet, list...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Stop() })
	return sc
}

func TestNewRefusesBadJobs(t *testing.T) {
	s := storetest.SQLite(t)
	ok := func(context.Context, date.Date, bool) (string, error) { return "", nil }
	for name, list := range map[string][]jobs.Job{
		"duplicate":    {{Name: "a", Run: ok}, {Name: "a", Run: ok}},
		"bad name":     {{Name: "Send Mail", Run: ok}},
		"no function":  {{Name: "a"}},
		"bad schedule": {{Name: "a", Schedule: "every day", Run: ok}},
	} {
		if _, err := jobs.New(s, paris, quiet, list...); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestRunsAreRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var gotDay date.Date
		var gotDry bool
		idle := true
		sc := newScheduler(t, s,
			jobs.Job{Name: "good", Run: func(_ context.Context, day date.Date, dry bool) (string, error) {
				gotDay, gotDry = day, dry
				return "3 things done\nthing 1\nthing 2\nthing 3", nil
			}},
			jobs.Job{Name: "bad", Run: func(context.Context, date.Date, bool) (string, error) {
				return "1 thing done before the failure", errors.New("disk full")
			}},
			jobs.Job{Name: "crash", Run: func(context.Context, date.Date, bool) (string, error) { panic("boom") }},
			jobs.Job{Name: "outbox", Quiet: true, Run: func(context.Context, date.Date, bool) (string, error) {
				if idle {
					return "", nil
				}
				return "2 sent", nil
			}},
		)
		day := date.MustParse("2026-03-09")
		admin := &store.Member{Login: "admin", Role: model.RoleAdmin, PersonType: model.NaturalPerson, Email: "a@example.org", Status: model.StatusMember}
		if err := s.CreateMember(ctx, admin); err != nil {
			t.Fatal(err)
		}
		by := admin.ID
		r, err := sc.Run(ctx, "good", jobs.Options{Day: day, DryRun: true, Trigger: model.TriggerCLI})
		if err != nil || gotDay != day || !gotDry {
			t.Fatalf("good: %v, day %s dry %v", err, gotDay, gotDry)
		}
		if r.Status != model.RunOK || jobs.FirstLine(r.Summary) != "3 things done" || r.FinishedAt == nil {
			t.Fatalf("good run: %+v", r)
		}
		r, err = sc.Run(ctx, "bad", jobs.Options{Trigger: model.TriggerManual, By: &by})
		if err == nil || r.Status != model.RunFailed || r.Error != "disk full" || r.Day != sc.Today() || *r.StartedBy != by {
			t.Fatalf("bad run: %+v %v", r, err)
		}
		r, err = sc.Run(ctx, "crash", jobs.Options{})
		if err == nil || r.Status != model.RunFailed || !strings.HasPrefix(r.Error, "panic: boom") {
			t.Fatalf("crash run: %+v %v", r, err)
		}
		// A quiet job's idle run leaves no trace; a busy one does.
		sc.Run(ctx, "outbox", jobs.Options{Trigger: model.TriggerSchedule})
		idle = false
		sc.Run(ctx, "outbox", jobs.Options{Trigger: model.TriggerSchedule})
		runs, total, _ := s.ListJobRuns(ctx, store.JobRunFilter{})
		if total != 4 || runs[0].Job != "outbox" || runs[0].Summary != "2 sent" || runs[3].Job != "good" {
			t.Fatalf("history: %d runs: %+v", total, runs)
		}
		if _, err := sc.Run(ctx, "nope", jobs.Options{}); !errors.Is(err, jobs.ErrUnknown) {
			t.Fatalf("unknown job: %v", err)
		}
	})
}

// TestNeverTwiceAtOnce holds a run open and checks that neither this
// scheduler nor one on another connection pool (another process) can start
// the same job, while another job runs freely.
func TestNeverTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		started, release := make(chan struct{}), make(chan struct{})
		var runs atomic.Int32
		slow := jobs.Job{Name: "call-for-membership-fees", Run: func(ctx context.Context, _ date.Date, _ bool) (string, error) {
			if runs.Add(1) == 1 {
				close(started)
				<-release
			}
			return "done", nil
		}}
		other := jobs.Job{Name: "purge-unverified", Run: func(context.Context, date.Date, bool) (string, error) { return "x", nil }}
		sc := newScheduler(t, s, slow, other)
		s2, err := s.Reopen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		sc2 := newScheduler(t, s2, slow, other)

		first, done, err := sc.RunInBackground(slow.Name, jobs.Options{Trigger: model.TriggerManual})
		if err != nil {
			t.Fatal(err)
		}
		<-started
		if _, err := sc.Run(ctx, slow.Name, jobs.Options{}); !errors.Is(err, jobs.ErrBusy) {
			t.Fatalf("same process: %v", err)
		}
		if _, err := sc2.Run(ctx, slow.Name, jobs.Options{}); !errors.Is(err, jobs.ErrBusy) {
			t.Fatalf("other process: %v", err)
		}
		if _, err := sc2.Run(ctx, other.Name, jobs.Options{}); err != nil {
			t.Fatalf("another job is blocked: %v", err)
		}
		running, _ := s.JobRunByID(ctx, first.ID)
		if running.Status != model.RunRunning {
			t.Fatalf("history during the run: %+v", running)
		}
		close(release)
		<-done
		if _, err := sc2.Run(ctx, slow.Name, jobs.Options{}); err != nil {
			t.Fatalf("after the run: %v", err)
		}
		if runs.Load() != 2 {
			t.Fatalf("%d runs", runs.Load())
		}
		// Refused attempts are not recorded as runs.
		if _, total, _ := s.ListJobRuns(ctx, store.JobRunFilter{Job: slow.Name}); total != 2 {
			t.Fatalf("%d runs recorded", total)
		}
	})
}

// TestProgressIsNotedOnTheRun follows a run from its record, as the charge
// page does: the progress the job reports, then its summary.
func TestProgressIsNotedOnTheRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		jobs.Progress(ctx, 1, 2) // outside a run: nothing happens
		reported, release := make(chan struct{}), make(chan struct{})
		sc := newScheduler(t, s, jobs.Job{Name: "charge-subscriptions", Run: func(ctx context.Context, _ date.Date, _ bool) (string, error) {
			jobs.Progress(ctx, 0, 400)
			jobs.Progress(ctx, 200, 400) // too soon after the first: skipped
			jobs.Progress(ctx, 400, 400) // the last is always noted
			close(reported)
			<-release
			return "400 members checked", nil
		}})
		first, done, err := sc.RunInBackground("charge-subscriptions", jobs.Options{Trigger: model.TriggerManual})
		if err != nil {
			t.Fatal(err)
		}
		<-reported
		running, _ := s.JobRunByID(ctx, first.ID)
		if d, n, ok := jobs.RunProgress(running); !ok || d != 400 || n != 400 {
			t.Fatalf("progress of %+v: %d/%d %v", running, d, n, ok)
		}
		close(release)
		<-done
		end, _ := s.JobRunByID(ctx, first.ID)
		if _, _, ok := jobs.RunProgress(end); ok || end.Summary != "400 members checked" || end.Status != model.RunOK {
			t.Fatalf("finished run: %+v", end)
		}
		if _, _, ok := jobs.RunProgress(&store.JobRun{Status: model.RunRunning, Summary: "3 things"}); ok {
			t.Fatal("a summary read as progress")
		}
	})
}

func TestRunOfDeadProcessIsMarkedInterrupted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dead := &store.JobRun{Job: "outbox", Trigger: model.TriggerSchedule, Day: date.MustParse("2026-01-01")}
		s.StartJobRun(ctx, dead)
		sc := newScheduler(t, s, jobs.Job{Name: "outbox", Run: func(context.Context, date.Date, bool) (string, error) { return "ok", nil }})
		if _, err := sc.Run(ctx, "outbox", jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.JobRunByID(ctx, dead.ID)
		if got.Status != model.RunInterrupted {
			t.Fatalf("dead run: %+v", got)
		}
	})
}

func TestStopCancelsBackgroundRuns(t *testing.T) {
	s := storetest.SQLite(t)
	started := make(chan struct{})
	sc, _ := jobs.New(s, paris, quiet, jobs.Job{Name: "long", Run: func(ctx context.Context, _ date.Date, _ bool) (string, error) {
		close(started)
		<-ctx.Done()
		return "stopped half-way", ctx.Err()
	}})
	r, _, err := sc.RunInBackground("long", jobs.Options{Trigger: model.TriggerManual})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	sc.Stop()
	got, _ := s.JobRunByID(context.Background(), r.ID)
	if got.Status != model.RunFailed || !strings.Contains(got.Error, "canceled") || got.Summary != "stopped half-way" {
		t.Fatalf("cancelled run: %+v", got)
	}
}

// TestTriggerWaitsForTheRunningOne checks that a wake-up arriving during a
// run is not lost: one more run follows.
func TestTriggerWaitsForTheRunningOne(t *testing.T) {
	s := storetest.SQLite(t)
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	sc := newScheduler(t, s, jobs.Job{Name: "outbox", Run: func(context.Context, date.Date, bool) (string, error) {
		if runs.Add(1) == 1 {
			close(started)
			<-release
		}
		return "sent", nil
	}})
	_, done, _ := sc.RunInBackground("outbox", jobs.Options{Trigger: model.TriggerSchedule})
	<-started
	sc.Trigger("outbox", model.TriggerWakeup)
	sc.Trigger("outbox", model.TriggerWakeup) // merged with the first
	close(release)
	<-done
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
	if n := runs.Load(); n != 2 {
		t.Fatalf("%d runs, want 2", n)
	}
	runsList, _, _ := s.ListJobRuns(context.Background(), store.JobRunFilter{})
	if len(runsList) != 2 || runsList[0].Trigger != model.TriggerWakeup {
		t.Fatalf("history: %+v", runsList)
	}
}

// TestScheduleFiresInTheISPTimeZone drives gocron with a fake clock: the
// 03:42 job runs at 03:42 in Paris, not before, as a scheduled run.
func TestScheduleFiresInTheISPTimeZone(t *testing.T) {
	s := storetest.SQLite(t)
	start := time.Date(2026, 3, 9, 3, 41, 30, 0, paris)
	clock := clockwork.NewFakeClockAt(start)
	ran := make(chan date.Date, 4)
	sc := newScheduler(t, s,
		jobs.Job{Name: "call-for-membership-fees", Schedule: "42 3 * * *", Run: func(_ context.Context, day date.Date, dry bool) (string, error) {
			if dry {
				t.Error("scheduled run is a dry run")
			}
			ran <- day
			return "0 reminders sent", nil
		}},
		jobs.Job{Name: "unscheduled", Run: func(context.Context, date.Date, bool) (string, error) { return "", nil }},
	)
	sc.Now = clock.Now
	if err := sc.Start(gocron.WithClock(clock)); err != nil {
		t.Fatal(err)
	}
	if next, ok := sc.NextRun("call-for-membership-fees"); !ok || !next.Equal(time.Date(2026, 3, 9, 3, 42, 0, 0, paris)) {
		t.Fatalf("next run %s %v", next, ok)
	}
	if _, ok := sc.NextRun("unscheduled"); ok {
		t.Fatal("a job without schedule is scheduled")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clock.BlockUntilContext(ctx, 1)
	clock.Advance(20 * time.Second)
	select {
	case <-ran:
		t.Fatal("ran before 03:42")
	case <-time.After(200 * time.Millisecond):
	}
	clock.Advance(15 * time.Second)
	select {
	case day := <-ran:
		if day.String() != "2026-03-09" {
			t.Fatalf("day %s", day)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not run at 03:42")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runs, _, _ := s.ListJobRuns(context.Background(), store.JobRunFilter{})
		if len(runs) == 1 && runs[0].Status == model.RunOK && runs[0].Trigger == model.TriggerSchedule {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs: %+v", runs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Every instance names a scheduled run by the time it was due, whatever
// its delay in firing: that name is the claim that only one may take.
func TestScheduledRunsAreNamedByTheirTime(t *testing.T) {
	s := storetest.SQLite(t)
	noop := func(context.Context, date.Date, bool) (string, error) { return "", nil }
	sc := newScheduler(t, s,
		jobs.Job{Name: "daily", Schedule: "42 3 * * *", Run: noop},
		jobs.Job{Name: "fast", Schedule: "*/5 * * * * *", Run: noop})
	at := func(h, m, sec, ms int) time.Time { return time.Date(2026, 3, 9, h, m, sec, ms*1e6, paris) }
	for _, tc := range []struct {
		job       string
		now, want time.Time
	}{
		{"daily", at(3, 42, 0, 3), at(3, 42, 0, 0)},
		{"daily", at(3, 42, 40, 0), at(3, 42, 0, 0)},
		{"daily", at(3, 41, 59, 950), at(3, 42, 0, 0)}, // a timer a hair early
		{"daily", at(2, 0, 0, 0), time.Date(2026, 3, 8, 3, 42, 0, 0, paris)},
		{"fast", at(10, 0, 7, 300), at(10, 0, 5, 0)},
		{"fast", at(10, 0, 10, 1), at(10, 0, 10, 0)},
	} {
		if got := sc.TickOf(tc.job, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s fired at %s: tick %s, want %s", tc.job, tc.now.Format("15:04:05.000"), got, tc.want)
		}
	}
}
