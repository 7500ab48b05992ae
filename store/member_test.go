package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func newMember(login, first, last string) *store.Member {
	return &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson,
		FirstName: first, LastName: last, Email: login + "@example.org", Status: model.StatusMember,
		SendFeeReminders: true}
}

func TestMemberRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("Alice", "Alice", "Éluard")
		m.DateJoined = date.MustParse("2024-02-29")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.MemberByLogin(ctx, "ALICE")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != m.ID || got.Login != "alice" || got.LastName != "Éluard" || !got.SendFeeReminders {
			t.Fatalf("got %+v", got)
		}
		if got.DateJoined.String() != "2024-02-29" || !got.ResignDate.IsZero() {
			t.Fatalf("dates: joined %q resign %q", got.DateJoined, got.ResignDate)
		}
		if err := s.CreateMember(ctx, newMember("alice", "A", "B")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate login: got %v, want ErrConflict", err)
		}
		got.ResignDate = date.MustParse("2025-01-31")
		got.Status = model.StatusNotMember
		if err := s.UpdateMember(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.MemberByID(ctx, m.ID)
		if again.ResignDate.String() != "2025-01-31" || again.Status != model.StatusNotMember {
			t.Fatalf("update lost: %+v", again)
		}
		if _, err := s.MemberByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing member: got %v", err)
		}
	})
}

func TestListMembersSearchSortPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, n := range [][2]string{{"zoe", "Zimmer"}, {"bob", "Martin"}, {"carla", "Martin"}, {"dan", "Abel"}} {
			m := newMember(n[0], n[0], n[1])
			if n[0] == "dan" {
				m.Status = model.StatusPending
			}
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := s.ListMembers(ctx, store.MemberFilter{Search: "marTIN"})
		if err != nil || total != 2 || len(list) != 2 || list[0].Login != "bob" {
			t.Fatalf("search: %v total=%d %v", err, total, logins(list))
		}
		list, total, _ = s.ListMembers(ctx, store.MemberFilter{Status: model.StatusPending})
		if total != 1 || list[0].Login != "dan" {
			t.Fatalf("status filter: %d %v", total, logins(list))
		}
		list, total, _ = s.ListMembers(ctx, store.MemberFilter{Sort: "name", Limit: 2, Offset: 2})
		if total != 4 || len(list) != 2 || list[0].Login != "carla" || list[1].Login != "zoe" {
			t.Fatalf("page 2: %d %v", total, logins(list))
		}
		list, _, _ = s.ListMembers(ctx, store.MemberFilter{Sort: "login", Desc: true, Limit: 1})
		if list[0].Login != "zoe" {
			t.Fatalf("login desc: %v", logins(list))
		}
		// An organisation sorts under its name, not its contact's last name.
		org := newMember("ffdn", "Jean", "Zorro")
		org.PersonType, org.OrganizationName = model.LegalPerson, "Bretagne Libre"
		if err := s.CreateMember(ctx, org); err != nil {
			t.Fatal(err)
		}
		list, _, _ = s.ListMembers(ctx, store.MemberFilter{Sort: "name"})
		if got := strings.Join(logins(list), " "); got != "dan ffdn bob carla zoe" {
			t.Fatalf("by name: %s", got)
		}
		list, _, _ = s.ListMembers(ctx, store.MemberFilter{Sort: "name", Desc: true})
		if got := strings.Join(logins(list), " "); got != "zoe carla bob ffdn dan" {
			t.Fatalf("by name, descending: %s", got)
		}
		// So do the fee list and a mailing list's subscribers.
		fees, _, err := s.ListMemberFees(ctx, store.FeeListFilter{Day: date.MustParse("2026-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		var feeOrder []string
		for _, r := range fees {
			feeOrder = append(feeOrder, r.Member.Login)
		}
		if got := strings.Join(feeOrder, " "); got != "dan ffdn bob carla zoe" {
			t.Fatalf("fee list by name: %s", got)
		}
		// LIKE wildcards in the search are literal.
		if _, total, _ = s.ListMembers(ctx, store.MemberFilter{Search: "%"}); total != 0 {
			t.Fatalf("%% matched %d members", total)
		}
	})
}

func logins(ms []*store.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Login)
	}
	return out
}

func TestPurgeUnverifiedOnlyTakesOldSelfRegistered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old := time.Now().Add(-10 * 24 * time.Hour)
		s.Now = func() time.Time { return old }
		signup := newMember("signup", "S", "U")
		signup.Status, signup.SelfRegistered = model.StatusPending, true
		byStaff := newMember("bystaff", "B", "S")
		byStaff.Status = model.StatusPending
		for _, m := range []*store.Member{signup, byStaff} {
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = time.Now
		fresh := newMember("fresh", "F", "R")
		fresh.Status, fresh.SelfRegistered = model.StatusPending, true
		if err := s.CreateMember(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		gone, err := s.DeleteUnverifiedMembers(ctx, time.Now().Add(-7*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(gone) != 1 || gone[0] != "signup" {
			t.Fatalf("purged %v, want [signup]", gone)
		}
		if _, err := s.MemberByLogin(ctx, "bystaff"); err != nil {
			t.Fatalf("staff-created pending member was purged: %v", err)
		}
	})
}

func TestMemberTokenIsSingleUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("tok", "T", "K")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMemberToken(ctx, m.ID, model.TokenPasswordReset, "h1", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseMemberToken(ctx, model.TokenVerifyEmail, "h1"); err == nil {
			t.Fatal("token used for the wrong purpose")
		}
		id, err := s.UseMemberToken(ctx, model.TokenPasswordReset, "h1")
		if err != nil || id != m.ID {
			t.Fatalf("first use: %d %v", id, err)
		}
		if _, err := s.UseMemberToken(ctx, model.TokenPasswordReset, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second use: %v", err)
		}
		s.CreateMemberToken(ctx, m.ID, model.TokenPasswordReset, "h2", time.Now().Add(-time.Minute))
		if _, err := s.UseMemberToken(ctx, model.TokenPasswordReset, "h2"); err == nil {
			t.Fatal("expired token accepted")
		}
	})
}

// Searches ignore case and accents on both databases, for members and for
// the lists that search by member.
func TestSearchIgnoresCaseAndAccents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := &store.Member{Login: "emartin", FirstName: "Émilie", LastName: "Lœwen-Müller", Email: "em@example.org",
			PersonType: model.NaturalPerson, Role: model.RoleMember, Status: model.StatusMember}
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"Émilie", "émilie", "emilie", "EMILIE", "loewen", "müller", "MULLER", "emilie loew", "EMARTIN"} {
			got, n, err := s.ListMembers(ctx, store.MemberFilter{Search: q, Limit: 10})
			if err != nil || n != 1 || len(got) != 1 {
				t.Errorf("search %q: %d members (%v), want Émilie", q, n, err)
			}
		}
		if _, n, _ := s.ListMembers(ctx, store.MemberFilter{Search: "zoé", Limit: 10}); n != 0 {
			t.Errorf("search zoé: %d members, want 0", n)
		}
		m.FirstName = "Chloé"
		if err := s.UpdateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := s.ListMembers(ctx, store.MemberFilter{Search: "chloe", Limit: 10}); n != 1 {
			t.Errorf("search chloe after the rename: %d members, want 1", n)
		}
	})
}
