package maillists_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"coin/maillists"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

var errRollback = errors.New("roll back")

// pushes counts the runs of the fixture's script.
func (f *fixture) pushes(t *testing.T) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(f.dir, "args-*"))
	return len(m)
}

func newService(f *fixture) (*maillists.Service, *bytes.Buffer) {
	var buf bytes.Buffer
	return &maillists.Service{Store: f.s, Sync: f.syncer, Log: slog.New(slog.NewTextHandler(&buf, nil))}, &buf
}

// rolledBack runs fn in an outer transaction that fails.
func rolledBack(t *testing.T, s *store.Store, fn func(tx *store.Store)) {
	t.Helper()
	err := s.Tx(context.Background(), func(tx *store.Store) error {
		fn(tx)
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("outer transaction: %v", err)
	}
}

func TestServiceWritesAndPushesOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		zoe := f.member(t, "zoe", "zoe@example.org", model.StatusMember)

		// Rolled back: nothing written, nothing pushed, nothing logged.
		rolledBack(t, s, func(tx *store.Store) {
			svc, log := newService(&fixture{dir: f.dir, s: tx, syncer: f.syncer})
			if _, errs, err := svc.AddSubscriber(ctx, f.list, "ZOE", nil); err != nil || errs.Any() {
				t.Fatalf("add: %v %v", errs, err)
			}
			if _, err := svc.Choose(ctx, zoe, f.list.ID, false); err != nil {
				t.Fatal(err)
			}
			if errs, err := svc.SaveList(ctx, &store.MailingList{}, maillists.ListForm{ShortName: "Tech",
				Email: "tech@listes.example.org", Name: "Tech"}, nil); err != nil || errs.Any() {
				t.Fatalf("save: %v %v", errs, err)
			}
			if err := svc.DeleteList(ctx, f.list, nil); err != nil {
				t.Fatal(err)
			}
			if log.Len() != 0 {
				t.Fatalf("logged before commit: %s", log)
			}
		})
		if subs, _ := s.ListSubscribers(ctx, f.list.ID); len(subs) != 0 {
			t.Fatalf("rolled back subscription kept: %v", subs)
		}
		if lists, _ := s.MailingLists(ctx); len(lists) != 1 {
			t.Fatalf("rolled back list changes kept: %d lists", len(lists))
		}
		if n := f.pushes(t); n != 0 {
			t.Fatalf("pushed %d times after a rollback", n)
		}

		// Committed: written, pushed, logged.
		svc, log := newService(f)
		r, errs, err := svc.AddSubscriber(ctx, f.list, " ZOE ", nil)
		if err != nil || errs.Any() || !r.Changed || !r.Pushed || f.pushes(t) != 1 {
			t.Fatalf("add: %+v %v %v, %d pushes", r, errs, err, f.pushes(t))
		}
		if _, errs, _ := svc.AddSubscriber(ctx, f.list, "nobody", nil); errs.Get("member") != "hardware.err.no_such_member" {
			t.Fatalf("unknown login: %v", errs)
		}
		if r, err := svc.Choose(ctx, zoe, f.list.ID, false); err != nil || !r.Changed || !r.Pushed || f.pushes(t) != 2 {
			t.Fatalf("choose: %+v %v", r, err)
		}
		if r, err := svc.RemoveSubscriber(ctx, f.list, zoe.ID, nil); err != nil || r.Changed || f.pushes(t) != 2 {
			t.Fatalf("remove twice: %+v %v", r, err)
		}
		l := &store.MailingList{}
		if errs, err := svc.SaveList(ctx, l, maillists.ListForm{ShortName: "adherents", Email: "x@listes.example.org",
			Name: "X"}, nil); err != nil || errs.Get("short_name") != "maillists.err.taken" {
			t.Fatalf("short name taken: %v %v", errs, err)
		}
		if errs, err := svc.SaveList(ctx, l, maillists.ListForm{ShortName: " Tech ", Email: "tech@listes.example.org",
			Name: "Tech"}, nil); err != nil || errs.Any() || l.ShortName != "tech" {
			t.Fatalf("save: %v %v %+v", errs, err, l)
		}
		if err := svc.DeleteList(ctx, l, nil); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"mailing list subscriber added", "mailing list choice", "mailing list created", "mailing list deleted"} {
			if !strings.Contains(log.String(), want) {
				t.Fatalf("log lacks %q:\n%s", want, log)
			}
		}
	})
}

func TestSubscribeNewMemberOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.syncer.Cfg.Enabled, f.syncer.Cfg.AutoSubscribe = true, []string{"adherents", "absente"}
		nina := f.member(t, "nina", "nina@example.org", model.StatusMember)
		rolledBack(t, s, func(tx *store.Store) {
			svc, log := newService(&fixture{dir: f.dir, s: tx, syncer: f.syncer})
			if err := svc.SubscribeNewMember(ctx, nina, false); err != nil {
				t.Fatal(err)
			}
			if log.Len() != 0 {
				t.Fatalf("logged before commit: %s", log)
			}
		})
		if subs, _ := s.ListSubscribers(ctx, f.list.ID); len(subs) != 0 {
			t.Fatalf("rolled back subscription kept: %v", subs)
		}
		svc, log := newService(f)
		if err := svc.SubscribeNewMember(ctx, nina, false); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.ListSubscribers(ctx, f.list.ID); len(subs) != 1 || !strings.Contains(log.String(), "automatically") {
			t.Fatalf("subscribers %v, log %s", subs, log)
		}
	})
}
