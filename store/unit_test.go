package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"coin/store"
	"coin/store/storetest"
)

// recorder collects what the hooks and AfterCommit effects were told.
type recorder struct {
	events []string
	logged []string
}

func (r *recorder) hooks() store.Hooks {
	return store.Hooks{
		Logged: func(es []*store.LogEntry) {
			for _, e := range es {
				r.logged = append(r.logged, e.Operation)
			}
			r.events = append(r.events, "logged")
		},
		Queued: func() { r.events = append(r.events, "queued") },
	}
}

func TestUnitOfWorkRunsEffectsOnlyAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var r recorder
		s.SetHooks(r.hooks())
		m := newMember("unit", "Una", "Unit")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		write := func(tx *store.Store, tag string) error {
			if err := tx.AppendLog(ctx, &store.LogEntry{Operation: tag + ".one", MemberID: &m.ID, Actor: "t"}); err != nil {
				return err
			}
			tx.AfterCommit(func() { r.events = append(r.events, tag+" first") })
			for range 2 { // two e-mails wake the outbox once
				if err := tx.QueueMessage(ctx, &store.Message{Kind: "test", To: "a@example.org", From: "b@example.org",
					Subject: tag, TextBody: "x"}); err != nil {
					return err
				}
			}
			if err := tx.AppendLog(ctx, &store.LogEntry{Operation: tag + ".two", MemberID: &m.ID, Actor: "t"}); err != nil {
				return err
			}
			tx.AfterCommit(func() { r.events = append(r.events, tag+" second") })
			if len(r.events) != 0 {
				t.Errorf("effects ran before commit: %v", r.events)
			}
			return nil
		}

		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx *store.Store) error {
			if err := write(tx, "rolled"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
		if len(r.events) != 0 || len(r.logged) != 0 {
			t.Fatalf("a rolled back transaction ran its effects: %v %v", r.events, r.logged)
		}
		if es, _ := s.LogEntries(ctx, 0, 10); len(es) != 0 {
			t.Fatalf("a rolled back transaction left %d log entries", len(es))
		}

		err = s.Tx(ctx, func(tx *store.Store) error {
			// A Tx inside a Tx joins it: its effects wait for the outer commit.
			return tx.Tx(ctx, func(inner *store.Store) error { return write(inner, "kept") })
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"logged", "kept first", "queued", "kept second"}
		if !reflect.DeepEqual(r.events, want) {
			t.Fatalf("effects after commit = %v, want %v", r.events, want)
		}
		if !reflect.DeepEqual(r.logged, []string{"kept.one", "kept.two"}) {
			t.Fatalf("log file got %v", r.logged)
		}

		// Outside a transaction the write has committed: effects run at once.
		r = recorder{}
		s.AfterCommit(func() { r.events = append(r.events, "now") })
		if err := s.AppendLog(ctx, &store.LogEntry{Operation: "alone", Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.events, []string{"now", "logged"}) || !reflect.DeepEqual(r.logged, []string{"alone"}) {
			t.Fatalf("outside a transaction: %v %v", r.events, r.logged)
		}
	})
}
