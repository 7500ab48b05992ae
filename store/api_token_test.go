package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

func TestAPITokenLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		m := newMember("tok", "To", "Ken")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		exp := now.Add(24 * time.Hour)
		tok := &store.APIToken{MemberID: m.ID, Name: "ci", Scope: store.ScopeRead, ExpiresAt: &exp}
		if err := s.CreateAPIToken(ctx, tok, "hash1"); err != nil {
			t.Fatal(err)
		}
		got, err := s.APITokenByHash(ctx, "hash1")
		if err != nil || got.ID != tok.ID || got.MemberLogin != "tok" || got.MemberRole != "member" || !got.Live(now) {
			t.Fatalf("got %+v, %v", got, err)
		}
		if got.Live(exp) {
			t.Fatal("live at its expiry")
		}
		if _, err := s.APITokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown hash: %v", err)
		}
		// Touched once; a second use within the minute writes nothing.
		if err := s.TouchAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		first := now
		now = now.Add(30 * time.Second)
		if err := s.TouchAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.APITokenByID(ctx, tok.ID)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(first) {
			t.Fatalf("last used %v, want %v", got.LastUsedAt, first)
		}
		now = now.Add(time.Minute)
		_ = s.TouchAPIToken(ctx, tok.ID)
		got, _ = s.APITokenByID(ctx, tok.ID)
		if !got.LastUsedAt.Equal(now) {
			t.Fatalf("last used %v, want %v", got.LastUsedAt, now)
		}
		if err := s.RevokeAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.APITokenByHash(ctx, "hash1")
		if got.Live(now) {
			t.Fatal("revoked token live")
		}
		list, err := s.ListAPITokens(ctx, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		if list, _ := s.ListAPITokens(ctx, m.ID+100); len(list) != 0 {
			t.Fatalf("other member's list %v", list)
		}
		if err := s.CreateAPIToken(ctx, &store.APIToken{MemberID: m.ID, Scope: "admin"}, "h2"); err == nil {
			t.Fatal("unknown scope accepted")
		}
		// Anonymising the member erases their tokens.
		if err := s.AnonymiseMember(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenByHash(ctx, "hash1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("token of an anonymised member: %v", err)
		}
	})
}
