package ipam_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

// BenchmarkAllocate10k allocates 10 000 IPv6 /56 out of a /32 on SQLite,
// each in its own write transaction as subscriptions do, and compares the
// first and the last thousand (flatness: the search must not grow with
// the pool) and the whole with a minimal write transaction (one UPDATE of
// the pool row) measured in the same process.
//
//	go test ./ipam -run X -bench Allocate10k -benchtime 1x
func BenchmarkAllocate10k(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := storetest.SQLite(b)
		a := newAllocator(b, s)
		pool := newPool(b, a, "VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56")
		start := time.Now()
		for range 1000 {
			if err := s.Tx(ctx, func(tx *store.Store) error {
				return tx.SetIPPoolHint(ctx, pool.ID, netip.Addr{})
			}); err != nil {
				b.Fatal(err)
			}
		}
		baseline := time.Since(start) / 1000
		b.StartTimer()
		start = time.Now()
		var first, before9000 time.Duration
		for i := range 10_000 {
			switch i {
			case 1000:
				first = time.Since(start)
			case 9000:
				before9000 = time.Since(start)
			}
			if _, err := allocate(b, s, a, pool.ID, 0); err != nil {
				b.Fatal(err)
			}
		}
		total := time.Since(start)
		b.StopTimer()
		last := total - before9000
		if n := countAllocations(b, s, pool.ID); n != 10_001 {
			b.Fatalf("%d rows", n)
		}
		b.ReportMetric(total.Seconds(), "s/10k")
		b.ReportMetric(float64(first.Microseconds())/1000, "µs/alloc-first1k")
		b.ReportMetric(float64(last.Microseconds())/1000, "µs/alloc-last1k")
		b.ReportMetric(float64(baseline.Nanoseconds())/1000, "µs/write-tx")
		b.ReportMetric(float64(last)/float64(first), "last/first")
		b.ReportMetric(float64(total/10_000)/float64(baseline), "alloc/write-tx")
	}
}
