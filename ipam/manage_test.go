package ipam_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"coin/ipam"
	"coin/store"
	"coin/store/storetest"
)

// withLog returns a copy of a writing through st and logging to buf.
func withLog(a *ipam.Allocator, st *store.Store, buf *bytes.Buffer) *ipam.Allocator {
	c := *a
	c.Store, c.Log = st, slog.New(slog.NewTextHandler(buf, nil))
	return &c
}

func TestStaffChangesHappenOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		f := newFixture(t, s, "vpn")
		pool := newPool(t, a, "VPN IPv4", "198.51.100.0/29", "32", "")
		staff := f.member
		al, errs, err := a.AllocateByHand(ctx, pool.ID, ipam.HandForm{}, staff)
		if err != nil || errs.Any() {
			t.Fatalf("allocate: %v %v", errs, err)
		}
		if errs, err := ipam.SetPTR(ctx, s, al, ipam.PTRForm{Address: al.Prefix.Addr().String(), Name: "vpn.example.org"}); err != nil || errs.Any() {
			t.Fatalf("ptr: %v %v", errs, err)
		}
		ptrs, _ := s.IPPTRs(ctx, al.ID, 0)
		if len(ptrs) != 1 {
			t.Fatalf("ptrs: %v", ptrs)
		}
		links := func() int { l, _ := s.IPPoolOffers(ctx, pool.ID, 0); return len(l) }
		offer := strconv.FormatInt(f.offer.ID, 10)

		// Rolled back: nothing written, nothing logged.
		var buf bytes.Buffer
		rollback := errors.New("roll back")
		err = s.Tx(ctx, func(tx *store.Store) error {
			ta := withLog(a, tx, &buf)
			if errs, err := ta.LinkOffer(ctx, pool, offer, "5", staff); err != nil || errs.Any() {
				t.Fatalf("link: %v %v", errs, err)
			}
			if err := ta.DeletePTR(ctx, al, ptrs[0].ID, staff); err != nil {
				t.Fatal(err)
			}
			if err := ta.DeletePool(ctx, pool, staff); err != nil {
				t.Fatal(err)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if buf.Len() != 0 || links() != 0 {
			t.Fatalf("after rollback: %d links, logged %q", links(), buf.String())
		}
		if p, _ := s.IPPTRs(ctx, al.ID, 0); len(p) != 1 {
			t.Fatal("rolled back PTR deletion kept")
		}
		if _, err := s.IPPoolByID(ctx, pool.ID); err != nil {
			t.Fatalf("rolled back pool deletion kept: %v", err)
		}

		// Committed: written and logged.
		la := withLog(a, s, &buf)
		if errs, _ := la.LinkOffer(ctx, pool, offer, "0", staff); errs.Get("priority") == "" {
			t.Fatalf("priority 0 accepted: %v", errs)
		}
		if errs, _ := la.LinkOffer(ctx, pool, "99999", "5", staff); errs.Get("offer_id") != "err.choice_invalid" {
			t.Fatalf("unknown offer: %v", errs)
		}
		if errs, err := la.LinkOffer(ctx, pool, offer, "5", staff); err != nil || errs.Any() || links() != 1 {
			t.Fatalf("link: %v %v", errs, err)
		}
		if err := la.UnlinkOffer(ctx, pool, f.offer.ID, staff); err != nil || links() != 0 {
			t.Fatalf("unlink: %v", err)
		}
		if err := la.DeletePTR(ctx, al, ptrs[0].ID, staff); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.IPPTRs(ctx, al.ID, 0); len(p) != 0 {
			t.Fatal("PTR not deleted")
		}
		if err := la.DeletePool(ctx, pool, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IPPoolByID(ctx, pool.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("pool not deleted: %v", err)
		}
		for _, want := range []string{"ip pool linked to offer", "ip pool unlinked from offer", "reverse name deleted", "ip pool deleted"} {
			if !strings.Contains(buf.String(), want) {
				t.Fatalf("log lacks %q:\n%s", want, buf.String())
			}
		}
	})
}
