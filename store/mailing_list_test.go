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

func newList(t *testing.T, s *store.Store, short string, open bool) *store.MailingList {
	t.Helper()
	l := &store.MailingList{ShortName: short, Email: short + "@listes.example.org", Name: "Liste " + short, Open: open}
	if err := s.CreateMailingList(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	return l
}

// clean pretends the list was pushed: what a successful sync leaves.
func clean(t *testing.T, s *store.Store, id int64) {
	t.Helper()
	ctx := context.Background()
	l, err := s.ClaimListSync(ctx, id, time.Now().Add(time.Minute))
	if err != nil || l == nil {
		t.Fatalf("claim: %v %v", l, err)
	}
	if err := s.FinishListSync(ctx, &store.ListSync{ListID: id, StartedAt: time.Now()}, l.ChangeSeq, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.MailingListByID(ctx, id); l.SyncNeeded {
		t.Fatal("list still dirty after a push")
	}
}

func dirty(t *testing.T, s *store.Store, id int64) bool {
	t.Helper()
	l, err := s.MailingListByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l.SyncNeeded
}

func TestSubscriptionsMarkTheListForSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := newMember("alice", "Alice", "A"), newMember("bob", "Bob", "B")
		s.CreateMember(ctx, alice)
		s.CreateMember(ctx, bob)
		l := newList(t, s, "adherents", true)
		if !dirty(t, s, l.ID) {
			t.Fatal("a new list is not waiting for its first push")
		}
		clean(t, s, l.ID)
		if on, err := s.Subscribe(ctx, l.ID, alice.ID); err != nil || !on {
			t.Fatalf("subscribe: %v %v", on, err)
		}
		if !dirty(t, s, l.ID) {
			t.Fatal("subscribing did not mark the list")
		}
		clean(t, s, l.ID)
		if on, _ := s.Subscribe(ctx, l.ID, alice.ID); on || dirty(t, s, l.ID) {
			t.Fatal("subscribing twice changed something")
		}
		s.Subscribe(ctx, l.ID, bob.ID)
		clean(t, s, l.ID)
		// Leaving the association: marked now, off the pushed addresses.
		alice.Status = model.StatusNotMember
		if err := s.UpdateMember(ctx, alice); err != nil {
			t.Fatal(err)
		}
		if !dirty(t, s, l.ID) {
			t.Fatal("a status change did not mark the member's lists")
		}
		addrs, err := s.ListAddresses(ctx, l.ID)
		if err != nil || fmtList(addrs) != "[bob@example.org]" {
			t.Fatalf("addresses: %v %v", addrs, err)
		}
		clean(t, s, l.ID)
		// Another field changes nothing for lists.
		alice.Phone = "0600000000"
		s.UpdateMember(ctx, alice)
		if dirty(t, s, l.ID) {
			t.Fatal("a phone change marked the list")
		}
		// A new address does.
		bob.Email = "robert@example.org"
		s.UpdateMember(ctx, bob)
		if !dirty(t, s, l.ID) {
			t.Fatal("an address change did not mark the list")
		}
		clean(t, s, l.ID)
		if off, _ := s.Unsubscribe(ctx, l.ID, bob.ID); !off || !dirty(t, s, l.ID) {
			t.Fatal("unsubscribe did not mark the list")
		}
		clean(t, s, l.ID)
		s.Subscribe(ctx, l.ID, bob.ID)
		clean(t, s, l.ID)
		if err := s.DeleteMember(ctx, bob.ID); err != nil || !dirty(t, s, l.ID) {
			t.Fatalf("deleting a subscriber did not mark the list: %v", err)
		}
	})
}

func TestPushClearsOnlyWhatItSaw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := newMember("alice", "Alice", "A")
		s.CreateMember(ctx, alice)
		l := newList(t, s, "technique", true)
		run, err := s.ClaimListSync(ctx, l.ID, time.Now().Add(time.Minute))
		if err != nil || run == nil {
			t.Fatal(err)
		}
		// Another run cannot take the list meanwhile.
		if other, err := s.ClaimListSync(ctx, l.ID, time.Now().Add(time.Minute)); err != nil || other != nil {
			t.Fatalf("second claim: %v %v", other, err)
		}
		if ids, _ := s.DueMailingLists(ctx); len(ids) != 0 {
			t.Fatalf("a list being pushed is due: %v", ids)
		}
		// A change lands while the push runs: the list stays dirty after it.
		s.Subscribe(ctx, l.ID, alice.ID)
		if err := s.FinishListSync(ctx, &store.ListSync{ListID: l.ID, StartedAt: time.Now()}, run.ChangeSeq, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if !dirty(t, s, l.ID) {
			t.Fatal("a push cleared a change it did not see")
		}
		if ids, _ := s.DueMailingLists(ctx); len(ids) != 1 {
			t.Fatalf("the list is not due again: %v", ids)
		}
		// A failure is retried at the time given, not before.
		run, _ = s.ClaimListSync(ctx, l.ID, time.Now().Add(time.Minute))
		retry := time.Now().Add(time.Hour)
		s.FinishListSync(ctx, &store.ListSync{ListID: l.ID, StartedAt: time.Now(), ExitCode: 2, Error: "exit status 2",
			Output: "list server unreachable"}, run.ChangeSeq, retry)
		got, _ := s.MailingListByID(ctx, l.ID)
		if !got.SyncNeeded || got.SyncFailures != 1 || got.LastSyncError != "exit status 2" || got.NextSyncAt == nil ||
			got.NextSyncAt.Sub(retry).Abs() > time.Second || got.SyncLockUntil != nil {
			t.Fatalf("after failure: %+v", got)
		}
		if ids, _ := s.DueMailingLists(ctx); len(ids) != 0 {
			t.Fatalf("due before its retry time: %v", ids)
		}
		s.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
		if ids, _ := s.DueMailingLists(ctx); len(ids) != 1 {
			t.Fatalf("not due after its retry time: %v", ids)
		}
		runs, err := s.ListSyncs(ctx, l.ID, 10)
		if err != nil || len(runs) != 2 || runs[0].OK() || runs[0].Output != "list server unreachable" || !runs[1].OK() {
			t.Fatalf("log: %v %+v", err, runs)
		}
	})
}

func TestMemberSeesOpenListsAndTheirOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := newMember("alice", "Alice", "A"), newMember("bob", "Bob", "B")
		s.CreateMember(ctx, alice)
		s.CreateMember(ctx, bob)
		open := newList(t, s, "annonces", true)
		staff := newList(t, s, "bureau", false)
		s.Subscribe(ctx, staff.ID, bob.ID)
		lists, err := s.MemberMailingLists(ctx, alice.ID)
		if err != nil || len(lists) != 1 || lists[0].List.ID != open.ID || lists[0].Subscribed {
			t.Fatalf("alice's lists: %v %+v", err, lists)
		}
		if _, err := s.MemberMailingList(ctx, staff.ID, alice.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alice reaches a closed list: %v", err)
		}
		lists, _ = s.MemberMailingLists(ctx, bob.ID)
		if len(lists) != 2 {
			t.Fatalf("bob's lists: %+v", lists)
		}
		if ml, err := s.MemberMailingList(ctx, staff.ID, bob.ID); err != nil || !ml.Subscribed {
			t.Fatalf("bob on the closed list: %v %+v", err, ml)
		}
		if err := s.CreateMailingList(ctx, &store.MailingList{ShortName: "annonces", Email: "x@y.org", Name: "x"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate short name: %v", err)
		}
		changed, err := s.SubscribeToLists(ctx, alice.ID, []string{"annonces", "nope", "bureau"})
		if err != nil || len(changed) != 2 {
			t.Fatalf("auto-subscribe: %v %v", changed, err)
		}
		all, _ := s.MailingLists(ctx)
		if len(all) != 2 || all[0].ShortName != "annonces" || all[0].Subscribers != 1 || all[1].Subscribers != 2 {
			t.Fatalf("counts: %+v %+v", all[0], all[1])
		}
	})
}

func TestMemberEmails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mk := func(login, email, status string) *store.Member {
			m := newMember(login, login, "X")
			m.Email, m.Status = email, status
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		zoe := mk("zoe", "zoe@example.org", model.StatusMember)
		mk("family1", "Famille@example.org", model.StatusMember)
		mk("family2", "Famille@example.org", model.StatusMember)
		ann := mk("ann", "ann@example.org", model.StatusPending)
		mk("old", "old@example.org", model.StatusNotMember)
		l := newList(t, s, "technique", true)
		s.Subscribe(ctx, l.ID, zoe.ID)
		s.Subscribe(ctx, l.ID, ann.ID)
		for _, c := range []struct {
			f    store.MemberEmailFilter
			want string
		}{
			{store.MemberEmailFilter{}, "[Famille@example.org ann@example.org old@example.org zoe@example.org]"},
			{store.MemberEmailFilter{Status: model.StatusMember}, "[Famille@example.org zoe@example.org]"},
			{store.MemberEmailFilter{Status: model.StatusPending}, "[ann@example.org]"},
			{store.MemberEmailFilter{List: "technique"}, "[ann@example.org zoe@example.org]"},
			{store.MemberEmailFilter{List: "technique", Status: model.StatusMember}, "[zoe@example.org]"},
		} {
			got, err := s.MemberEmails(ctx, c.f)
			if err != nil || fmtList(got) != c.want {
				t.Errorf("%+v: got %v %v, want %s", c.f, got, err, c.want)
			}
		}
		if _, err := s.MemberEmails(ctx, store.MemberEmailFilter{List: "nope"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown list: %v", err)
		}
		// Fees and subscriptions, judged on a day: zoe's fee covers it, ann's
		// ended; zoe subscribes to VPN, ann to VPS starting later.
		day := date.MustParse("2026-11-25")
		for _, f := range []*store.MembershipFee{
			{MemberID: zoe.ID, Amount: 1500, StartDate: date.MustParse("2026-01-01"), EndDate: date.MustParse("2026-12-31"), PaymentMethod: model.PayTransfer},
			{MemberID: ann.ID, Amount: 1500, StartDate: date.MustParse("2025-01-01"), EndDate: date.MustParse("2025-12-31"), PaymentMethod: model.PayTransfer},
		} {
			if err := s.CreateMembershipFee(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		vpn := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
		vps := &store.Offer{Name: "VPS", Reference: "VPS", Backend: "vps", BillingPeriodMonths: 1, Open: true}
		s.CreateOffer(ctx, vpn)
		s.CreateOffer(ctx, vps)
		s.CreateSubscription(ctx, &store.Subscription{MemberID: zoe.ID, OfferID: vpn.ID, StartDate: date.MustParse("2026-02-01")})
		s.CreateSubscription(ctx, &store.Subscription{MemberID: ann.ID, OfferID: vps.ID, StartDate: date.MustParse("2026-12-01")})
		for _, c := range []struct {
			f    store.MemberEmailFilter
			want string
		}{
			{store.MemberEmailFilter{Fee: model.EmailFeeUpToDate, Today: day}, "[zoe@example.org]"},
			{store.MemberEmailFilter{Fee: model.EmailFeeExpired, Today: day}, "[Famille@example.org ann@example.org old@example.org]"},
			{store.MemberEmailFilter{ActiveSubscription: true, Today: day}, "[zoe@example.org]"},
			{store.MemberEmailFilter{Offer: "VPN", Today: day}, "[zoe@example.org]"},
			{store.MemberEmailFilter{Offer: "VPS", Today: day}, "[]"},
			{store.MemberEmailFilter{Offer: "VPS", Today: date.MustParse("2026-12-02")}, "[ann@example.org]"},
		} {
			got, err := s.MemberEmails(ctx, c.f)
			if err != nil || fmtList(got) != c.want {
				t.Errorf("%+v: got %v %v, want %s", c.f, got, err, c.want)
			}
		}
	})
}
