package store_test

import (
	"context"
	"errors"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func addFee(t *testing.T, s *store.Store, memberID int64, start, end string) *store.MembershipFee {
	t.Helper()
	f := &store.MembershipFee{MemberID: memberID, Amount: 1500, StartDate: date.MustParse(start),
		EndDate: date.MustParse(end), PaymentMethod: model.PayTransfer, PaymentDate: date.MustParse(start)}
	if err := s.CreateMembershipFee(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMembershipFeesRoundTripAndOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("alice", "Alice", "A")
		other := newMember("bob", "Bob", "B")
		s.CreateMember(ctx, m)
		s.CreateMember(ctx, other)
		pay := int64(77)
		f := &store.MembershipFee{MemberID: m.ID, Amount: 1550, StartDate: date.MustParse("2025-03-01"),
			EndDate: date.MustParse("2026-02-28"), PaymentMethod: model.PayCheck, Reference: "CHQ 1234", PaymentID: &pay}
		if err := s.CreateMembershipFee(ctx, f); err != nil {
			t.Fatal(err)
		}
		got, err := s.MembershipFeeByID(ctx, m.ID, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Amount != 1550 || got.StartDate.String() != "2025-03-01" || got.EndDate.String() != "2026-02-28" ||
			got.Reference != "CHQ 1234" || got.PaymentID == nil || *got.PaymentID != 77 || !got.PaymentDate.IsZero() {
			t.Fatalf("got %+v", got)
		}
		// Another member's URL cannot reach the fee.
		if _, err := s.MembershipFeeByID(ctx, other.ID, f.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("fee seen through another member: %v", err)
		}
		if err := s.DeleteMembershipFee(ctx, other.ID, f.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("fee deleted through another member: %v", err)
		}
		// Overlaps are refused, adjacent periods are fine.
		for _, p := range [][2]string{{"2026-02-28", "2027-02-27"}, {"2024-03-01", "2025-03-01"}, {"2025-06-01", "2025-07-01"}} {
			err := s.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: m.ID, Amount: 1,
				StartDate: date.MustParse(p[0]), EndDate: date.MustParse(p[1])})
			if !errors.Is(err, store.ErrFeeOverlap) || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("overlap %v: %v", p, err)
			}
		}
		addFee(t, s, m.ID, "2026-03-01", "2027-02-28")
		// The same payment cannot pay two fees.
		err = s.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: other.ID, Amount: 1,
			StartDate: date.MustParse("2026-01-01"), EndDate: date.MustParse("2026-12-31"), PaymentID: &pay})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("payment matched twice: %v", err)
		}
		if err := s.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: other.ID, Amount: 1,
			StartDate: date.MustParse("2026-01-01"), EndDate: date.MustParse("2025-12-31")}); err == nil {
			t.Fatal("end before start accepted")
		}
		fees, _ := s.MembershipFeesOfMember(ctx, m.ID)
		if len(fees) != 2 || fees[0].StartDate.String() != "2026-03-01" {
			t.Fatalf("fees: %+v", fees)
		}
		if err := s.DeleteMembershipFee(ctx, m.ID, f.ID); err != nil {
			t.Fatal(err)
		}
		if fees, _ := s.MembershipFeesOfMember(ctx, m.ID); len(fees) != 1 {
			t.Fatalf("after delete: %d fees", len(fees))
		}
	})
}

func TestMemberFeeListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		day := date.MustParse("2026-06-15")
		ids := map[string]int64{}
		for _, l := range []string{"current", "advance", "expired", "never", "gap"} {
			m := newMember(l, l, l)
			s.CreateMember(ctx, m)
			ids[l] = m.ID
		}
		addFee(t, s, ids["current"], "2026-01-01", "2026-12-31")
		// Paid next year in advance: still up to date through this year's fee.
		addFee(t, s, ids["advance"], "2025-07-01", "2026-06-30")
		addFee(t, s, ids["advance"], "2026-07-01", "2027-06-30")
		addFee(t, s, ids["expired"], "2025-01-01", "2025-12-31")
		// A future fee only: not up to date today.
		addFee(t, s, ids["gap"], "2026-09-01", "2027-08-31")
		cases := map[string][]string{
			"":                {"advance", "current", "expired", "gap", "never"},
			model.FeeUpToDate: {"advance", "current"},
			model.FeeExpired:  {"expired", "gap"},
			model.FeeNever:    {"never"},
		}
		for state, want := range cases {
			rows, total, err := s.ListMemberFees(ctx, store.FeeListFilter{Day: day, State: state})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Member.Login)
				if r.UpToDate != (r.Member.Login == "current" || r.Member.Login == "advance") {
					t.Errorf("%s: up to date %v", r.Member.Login, r.UpToDate)
				}
				if (r.Latest == nil) != (r.Member.Login == "never") {
					t.Errorf("%s: latest %+v", r.Member.Login, r.Latest)
				}
			}
			if total != len(want) || !equal(got, want) {
				t.Errorf("state %q: %v (total %d), want %v", state, got, total, want)
			}
		}
		rows, _, _ := s.ListMemberFees(ctx, store.FeeListFilter{Day: day, Search: "advan"})
		if len(rows) != 1 || rows[0].Latest.EndDate.String() != "2027-06-30" {
			t.Fatalf("search / latest fee: %+v", rows)
		}
		c, err := s.CountFeeStates(ctx, day)
		if err != nil || c != (store.FeeStateCounts{UpToDate: 2, Expired: 2, Never: 1}) {
			t.Fatalf("counts %+v %v", c, err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFeeReminderCandidatesAndOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mk := func(login string, mut func(*store.Member)) *store.Member {
			m := newMember(login, login, login)
			if mut != nil {
				mut(m)
			}
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		due := mk("due", nil)
		renewed := mk("renewed", nil)
		off := mk("off", func(m *store.Member) { m.SendFeeReminders = false })
		gone := mk("gone", func(m *store.Member) { m.Status = model.StatusNotMember })
		mk("never", nil)
		for _, m := range []*store.Member{due, renewed, off, gone} {
			addFee(t, s, m.ID, "2025-07-01", "2026-06-30")
		}
		addFee(t, s, renewed.ID, "2026-07-01", "2027-06-30")
		cands, err := s.FeeReminderCandidates(ctx, date.MustParse("2026-01-01"), date.MustParse("2026-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 1 || cands[0].Member.ID != due.ID || cands[0].FeeEnd.String() != "2026-06-30" || cands[0].Amount != 1500 {
			t.Fatalf("candidates: %+v", cands)
		}
		r := &store.FeeReminder{MemberID: due.ID, FeeID: &cands[0].FeeID, FeeEnd: cands[0].FeeEnd, Offset: "-1m",
			DueOn: date.MustParse("2026-05-30"), SentOn: date.MustParse("2026-06-01")}
		if ok, err := s.RecordFeeReminder(ctx, r); !ok || err != nil {
			t.Fatalf("first record: %v %v", ok, err)
		}
		if ok, err := s.RecordFeeReminder(ctx, r); ok || err != nil {
			t.Fatalf("second record: %v %v", ok, err)
		}
		if sent, _ := s.FeeReminderSent(ctx, due.ID, cands[0].FeeEnd, "-1m"); !sent {
			t.Fatal("reminder not seen as sent")
		}
		if sent, _ := s.FeeReminderSent(ctx, due.ID, cands[0].FeeEnd, "0d"); sent {
			t.Fatal("other offset seen as sent")
		}
		rs, _ := s.FeeRemindersOfMember(ctx, due.ID)
		if len(rs) != 1 || rs[0].Offset != "-1m" || rs[0].SentOn.String() != "2026-06-01" {
			t.Fatalf("reminders: %+v", rs)
		}
	})
}
