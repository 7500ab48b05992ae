package ipam_test

import (
	"context"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

// BenchmarkAllocate10k allocates 10 000 IPv6 /56 out of a /32 on SQLite,
// one write transaction each, as subscriptions do, and compares the first
// and the last thousand with an empty write transaction measured in the
// same process: the cost of an allocation must not grow with the pool.
//
//	go test ./ipam -run X -bench Allocate10k -benchtime 1x
func BenchmarkAllocate10k(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := storetest.SQLite(b)
		a := newAllocator(b, s)
		pool := newPool(b, a, "VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56")
		empty := func() time.Duration {
			start := time.Now()
			for range 1000 {
				if err := s.Tx(ctx, func(tx *store.Store) error {
					_, err := tx.DB().ExecContext(ctx, "SELECT 1")
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
			return time.Since(start)
		}
		baseline := empty()
		b.StartTimer()
		start := time.Now()
		var first, last time.Duration
		for i := range 10_000 {
			if i == 1000 {
				first = time.Since(start)
			}
			if i == 9000 {
				last = time.Now().Sub(start)
			}
			if _, err := allocate(b, s, a, pool.ID, 0); err != nil {
				b.Fatal(err)
			}
		}
		total := time.Since(start)
		last = total - last
		b.StopTimer()
		if n := countAllocations(b, s, pool.ID); n != 10_001 {
			b.Fatalf("%d rows", n)
		}
		b.ReportMetric(total.Seconds(), "s/10k")
		b.ReportMetric(float64(first.Microseconds())/1000, "µs/alloc-first1k")
		b.ReportMetric(float64(last.Microseconds())/1000, "µs/alloc-last1k")
		b.ReportMetric(float64(baseline.Microseconds())/1000, "µs/empty-tx")
		b.ReportMetric(float64(last)/float64(first), "last/first")
		b.ReportMetric(float64(total)/10/float64(baseline), "alloc/empty-tx")
	}
}
