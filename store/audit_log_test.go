package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

func TestAuditInTheChangesTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		m := newMember("alice", "Alice", "A")
		if err := s.CreateMember(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		ctx := store.WithActor(context.Background(), store.Actor{ID: m.ID, Name: "alice", IP: "192.0.2.7"})
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.Audit(ctx, &store.AuditEntry{Action: "member.updated", RecordType: "member", RecordID: &m.ID,
				MemberID: &m.ID, Changes: []store.Change{{Field: "city", Old: "Lyon", New: "Nantes"}}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got, _ := s.AuditEntries(ctx, store.AuditFilter{}); len(got) != 0 {
			t.Fatalf("a rolled-back change left %d entries", len(got))
		}
		if err := s.Tx(ctx, func(tx *store.Store) error {
			return tx.Audit(ctx, &store.AuditEntry{Action: "member.updated", RecordType: "member", RecordID: &m.ID,
				MemberID: &m.ID, Changes: []store.Change{{Field: "city", Old: "Lyon", New: "Nantes"}}})
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.AuditEntries(ctx, store.AuditFilter{MemberID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Who() != "alice" || got[0].IP != "192.0.2.7" || got[0].ActorID == nil ||
			len(got[0].Changes) != 1 || got[0].Changes[0] != (store.Change{Field: "city", Old: "Lyon", New: "Nantes"}) {
			t.Fatalf("got %+v", got)
		}
		// A program acting is named; no account.
		if err := s.Audit(store.WithActor(context.Background(), store.Actor{Name: "cli"}), &store.AuditEntry{Action: "job.started"}); err != nil {
			t.Fatal(err)
		}
		all, _ := s.AuditEntries(ctx, store.AuditFilter{})
		if len(all) != 2 || all[0].Who() != "cli" || all[0].ActorID != nil {
			t.Fatalf("got %+v", all[0])
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("bob", "Bob", "B")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		e := &store.AuditEntry{Action: "member.updated", RecordType: "member", RecordID: &m.ID, MemberID: &m.ID,
			Changes: []store.Change{{Field: "email", Old: "bob@example.org", New: "b@example.org"}}}
		if err := s.Audit(store.WithActor(ctx, store.Actor{Name: "cli", IP: "192.0.2.1"}), e); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE audit_log SET action = 'x' WHERE id = ?`,
			`UPDATE audit_log SET changes = '' WHERE id = ?`,
			`UPDATE audit_log SET ip = '', changes = '', redacted = true WHERE id = ?`,
			`DELETE FROM audit_log WHERE id = ?`,
		} {
			q = strings.Replace(q, "?", "$1", 1)
			if s.Dialect() == store.SQLite {
				q = strings.Replace(q, "$1", "?", 1)
			}
			if _, err := s.DB().Exec(q, e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Anonymisation blanks the values, and only them; once.
		if err := s.AnonymiseMember(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.AuditEntries(ctx, store.AuditFilter{RecordType: "member", RecordID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Redacted || len(got[0].Changes) != 0 || got[0].Action != "member.updated" {
			t.Fatalf("got %+v", got)
		}
		q := `UPDATE audit_log SET changes = 'x', redacted = false WHERE id = ?`
		if s.Dialect() == store.Postgres {
			q = strings.Replace(q, "?", "$1", 1)
		}
		if _, err := s.DB().Exec(q, e.ID); err == nil {
			t.Fatal("a redacted entry was changed back")
		}
	})
}

func TestAuditFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := newMember("ann", "Ann", "A"), newMember("ben", "Ben", "B")
		s.CreateMember(ctx, a)
		s.CreateMember(ctx, b)
		day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return day }
		for i := 0; i < 7; i++ {
			actor := a
			if i%2 == 1 {
				actor = b
			}
			if i == 5 {
				s.Now = func() time.Time { return day.AddDate(0, 0, 3) }
			}
			ctx := store.WithActor(ctx, store.Actor{ID: actor.ID, Name: actor.Login})
			if err := s.Audit(ctx, &store.AuditEntry{Action: "payment.created", RecordType: "payment", RecordID: ptrTo(int64(100 + i%3)),
				MemberID: &b.ID}); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f store.AuditFilter) int {
			t.Helper()
			got, err := s.AuditEntries(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(got); i++ {
				if got[i].ID >= got[i-1].ID {
					t.Fatal("not newest first")
				}
			}
			return len(got)
		}
		if n := count(store.AuditFilter{RecordType: "payment", RecordID: 100}); n != 3 {
			t.Fatalf("record 100: %d", n)
		}
		if n := count(store.AuditFilter{ActorID: b.ID}); n != 3 {
			t.Fatalf("by ben: %d", n)
		}
		if n := count(store.AuditFilter{From: day.AddDate(0, 0, 1)}); n != 2 {
			t.Fatalf("later days: %d", n)
		}
		if n := count(store.AuditFilter{To: day.AddDate(0, 0, 1), MemberID: b.ID}); n != 5 {
			t.Fatalf("first day: %d", n)
		}
		// Keyset pages: 3 + 3 + 1, no entry twice.
		seen := map[int64]bool{}
		var before int64
		for page := 0; ; page++ {
			got, err := s.AuditEntries(ctx, store.AuditFilter{Before: before, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				break
			}
			for _, e := range got {
				if seen[e.ID] {
					t.Fatalf("entry %d twice", e.ID)
				}
				seen[e.ID] = true
			}
			before = got[len(got)-1].ID
		}
		if len(seen) != 7 {
			t.Fatalf("paged %d entries", len(seen))
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
