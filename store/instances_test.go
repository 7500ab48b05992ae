package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

// Two instances (two pools on one database) claiming the outbox at once:
// every message is claimed by exactly one of them.
func TestOutboxClaimsEachMessageOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 40 {
			if err := s.QueueMessage(ctx, &store.Message{Kind: "welcome", To: fmt.Sprintf("m%d@example.org", i),
				From: "coin@isp.test", Subject: "Bienvenue", TextBody: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		other, err := s.Reopen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var mu sync.Mutex
		claims := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 6 {
			st, name := s, fmt.Sprintf("a%d", w)
			if w%2 == 1 {
				st, name = other, fmt.Sprintf("b%d", w)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					m, err := st.ClaimDueMessage(ctx, name, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if m == nil {
						return
					}
					mu.Lock()
					if prev, dup := claims[m.ID]; dup {
						t.Errorf("message %d claimed by %s and %s", m.ID, prev, name)
					}
					claims[m.ID] = name
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claims) != 40 {
			t.Fatalf("%d of 40 messages claimed", len(claims))
		}
	})
}

// A claim lasts its lease: an instance killed while sending leaves the
// message to the next one after it, and marking it sent ends the claim.
func TestOutboxClaimLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := &store.Message{Kind: "welcome", To: "a@example.org", From: "coin@isp.test", Subject: "Hi", TextBody: "x"}
		if err := s.QueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimDueMessage(ctx, "killed", time.Minute)
		if err != nil || got == nil || got.ID != m.ID {
			t.Fatalf("first claim: %v %v", got, err)
		}
		if again, err := s.ClaimDueMessage(ctx, "other", time.Minute); again != nil || err != nil {
			t.Fatalf("claimed twice within the lease: %v %v", again, err)
		}
		s.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		again, err := s.ClaimDueMessage(ctx, "other", time.Minute)
		if err != nil || again == nil || again.ID != m.ID {
			t.Fatalf("after the lease: %v %v", again, err)
		}
		if err := s.MarkMessageSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if more, err := s.ClaimDueMessage(ctx, "other", time.Minute); more != nil || err != nil {
			t.Fatalf("a sent message claimed: %v %v", more, err)
		}
	})
}

func TestJobTickClaimedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.FixedZone("CET", 3600))
		ok, err := s.ClaimJobTick(ctx, "outbox", at, "a")
		if err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		// The same instant, as the other instance computes it in UTC.
		if ok, err := s.ClaimJobTick(ctx, "outbox", at.UTC(), "b"); ok || err != nil {
			t.Fatalf("second claim of the tick: %v %v", ok, err)
		}
		if ok, _ := s.ClaimJobTick(ctx, "backup", at, "b"); !ok {
			t.Fatal("another job's tick refused")
		}
		ticks, err := s.JobTicks(ctx, "outbox", at.Add(-time.Hour))
		if err != nil || len(ticks) != 1 || ticks[0].Instance != "a" || !ticks[0].ScheduledAt.Equal(at) {
			t.Fatalf("ticks: %+v %v", ticks, err)
		}
		if err := s.PruneJobTicks(ctx, "outbox", at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if ticks, _ := s.JobTicks(ctx, "outbox", at.Add(-time.Hour)); len(ticks) != 0 {
			t.Fatalf("pruned ticks left: %+v", ticks)
		}
	})
}
