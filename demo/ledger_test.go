package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"coin/accounting"
	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

// Every fee, payment and invoice of the demo is in the FEC of its year,
// and every entry balances.
func TestDemoIsInTheFEC(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sv := services(t, s)
		today := date.Today(time.UTC)
		if err := Load(ctx, s, time.UTC); err != nil {
			t.Fatal(err)
		}
		if err := LoadBilling(ctx, s, sv.Billing, today); err != nil {
			t.Fatal(err)
		}
		books := &accounting.Service{Store: s, Cfg: sv.Cfg, Catalog: sv.Billing.Catalog}
		booked, err := books.Ledger().Backfill(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		left, err := s.UnbookedSources(ctx)
		if err != nil || len(left) != 0 {
			t.Fatalf("not booked: %v %v", left, err)
		}
		entries := map[string]int64{}
		kinds := map[string]int{}
		for y := today.Year() - 4; y <= today.Year()+1; y++ {
			from, to := date.New(y, time.January, 1), date.New(y, time.December, 31)
			es, err := s.JournalEntries(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var fec strings.Builder
			if err := books.WriteFEC(ctx, &fec, from, to); err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				kinds[e.SourceKind]++
				if e.Date.Year() != y || !strings.Contains(fec.String(), "|"+e.Number+"|") {
					t.Fatalf("entry %s dated %s not in the FEC of %d", e.Number, e.Date, y)
				}
				for _, l := range e.Lines {
					entries[e.Number] += l.DebitCents - l.CreditCents
				}
			}
		}
		for num, d := range entries {
			if d != 0 {
				t.Errorf("entry %s off by %d", num, d)
			}
		}
		// The typed fees were booked by the backfill, the rest as they were written.
		if kinds["fee"] < 30 || kinds["invoice"] == 0 || kinds["payment"] == 0 || booked < 30 {
			t.Fatalf("entries per kind %v, %d backfilled", kinds, booked)
		}
		t.Logf("demo entries per kind %v", kinds)
	})
}
