package store_test

import (
	"context"
	"errors"
	"testing"

	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

// A request is decided once; the lists show what waits and the notices to
// come, each member's own.
func TestMemberRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("alice", "Alice", "Martin")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
		if err := s.CreateOffer(ctx, o); err != nil {
			t.Fatal(err)
		}
		r := &store.MemberRequest{MemberID: m.ID, Kind: store.RequestSubscribe, OfferID: &o.ID, Status: store.RequestPending}
		if err := s.CreateMemberRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		day := date.MustParse("2030-01-31")
		notice := &store.MemberRequest{MemberID: m.ID, Kind: store.RequestResign, EndDate: day, Status: store.RequestRecorded}
		if err := s.CreateMemberRequest(ctx, notice); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.PendingRequestExists(ctx, m.ID, o.ID); err != nil || !ok {
			t.Fatalf("pending request: %v %v", ok, err)
		}
		if ps, err := s.PendingRequests(ctx, 10); err != nil || len(ps) != 1 || ps[0].OfferName != "VPN" || ps[0].MemberName != "Alice Martin" {
			t.Fatalf("pending: %+v %v", ps, err)
		}
		if ns, err := s.UpcomingResignations(ctx, day, 10); err != nil || len(ns) != 1 || ns[0].EndDate != day {
			t.Fatalf("notices: %+v %v", ns, err)
		}
		if ns, _ := s.UpcomingResignations(ctx, day.AddDays(1), 10); len(ns) != 0 {
			t.Fatalf("past notices listed: %+v", ns)
		}
		r.Status, r.Reason = store.RequestRefused, "full"
		if err := s.DecideMemberRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		r.Status = store.RequestApproved
		if err := s.DecideMemberRequest(ctx, r); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second decision: %v", err)
		}
		mine, err := s.RequestsOfMember(ctx, m.ID)
		if err != nil || len(mine) != 2 || mine[1].Status != store.RequestRefused || mine[1].Reason != "full" {
			t.Fatalf("member's requests: %+v %v", mine, err)
		}
		if n, _ := s.CountPendingRequests(ctx); n != 0 {
			t.Fatalf("%d pending after the decision", n)
		}
	})
}
