package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func TestJobRunsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		day := date.MustParse("2026-06-01")
		a := &store.JobRun{Job: "outbox", Trigger: model.TriggerSchedule, Day: day}
		if err := s.StartJobRun(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := &store.JobRun{Job: "purge-unverified", Trigger: model.TriggerCLI, Day: day, DryRun: true}
		s.StartJobRun(ctx, b)
		b.Status, b.Summary = model.RunOK, "0 deleted"
		if err := s.FinishJobRun(ctx, b); err != nil {
			t.Fatal(err)
		}
		// Progress is noted on a running run only.
		if err := s.NoteJobRunProgress(ctx, a.ID, "2/5"); err != nil {
			t.Fatal(err)
		}
		s.NoteJobRunProgress(ctx, b.ID, "1/5")
		if got, _ := s.JobRunByID(ctx, a.ID); got.Summary != "2/5" || got.Status != model.RunRunning {
			t.Fatalf("progress of a running run: %+v", got)
		}
		if got, _ := s.JobRunByID(ctx, b.ID); got.Summary != "0 deleted" {
			t.Fatalf("progress overwrote a finished run: %+v", got)
		}
		// A run left "running" by a dead process is marked interrupted.
		if err := s.InterruptJobRuns(ctx, "outbox"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.JobRunByID(ctx, a.ID)
		if got.Status != model.RunInterrupted || got.FinishedAt == nil {
			t.Fatalf("interrupted: %+v", got)
		}
		got, _ = s.JobRunByID(ctx, b.ID)
		if got.Status != model.RunOK || got.Summary != "0 deleted" || !got.DryRun || got.Day != day || got.Duration() < 0 {
			t.Fatalf("finished: %+v", got)
		}
		last, _ := s.LastJobRuns(ctx)
		if len(last) != 2 || last["outbox"].ID != a.ID {
			t.Fatalf("last runs: %+v", last)
		}
		runs, total, _ := s.ListJobRuns(ctx, store.JobRunFilter{Job: "outbox"})
		if total != 1 || runs[0].ID != a.ID {
			t.Fatalf("filter: %d %+v", total, runs)
		}
		s.PruneJobRuns(ctx, "outbox", time.Now().Add(time.Hour))
		if _, total, _ := s.ListJobRuns(ctx, store.JobRunFilter{}); total != 1 {
			t.Fatalf("after prune: %d runs", total)
		}
		s.DeleteJobRun(ctx, b.ID)
		if _, err := s.JobRunByID(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted run: %v", err)
		}
	})
}

// TestJobLockExcludesOtherHolders opens a second pool on the same database,
// as a second process would, and checks the lock holds across both.
func TestJobLockExcludesOtherHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		other := reopen(t, s)
		l, err := s.TryJobLock(ctx, "call-for-membership-fees")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.TryJobLock(ctx, "call-for-membership-fees"); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("second holder from another pool: %v", err)
		}
		if _, err := s.TryJobLock(ctx, "call-for-membership-fees"); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("second holder from the same pool: %v", err)
		}
		// Another job's lock is independent.
		l2, err := other.TryJobLock(ctx, "outbox")
		if err != nil {
			t.Fatal(err)
		}
		l2.Release()
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
		l, err = other.TryJobLock(ctx, "call-for-membership-fees")
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		l.Release()
		if _, err := s.TryJobLock(ctx, "../../etc/passwd"); err == nil || errors.Is(err, store.ErrLocked) {
			t.Fatalf("bad name: %v", err)
		}
	})
}

func reopen(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	o, err := s.Reopen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}
