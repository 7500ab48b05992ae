package entries_test

import (
	"context"
	"errors"
	"testing"

	"coin/accounting"
	"coin/config"
	"coin/date"
	"coin/entries"
	"coin/i18n"
	"coin/ledger"
	"coin/store"
	"coin/store/storetest"
)

// An entry typed by mistake is cancelled by a counter-entry dated as it
// was: the period's balance no longer counts it, both entries keep their
// numbers, and it cannot be cancelled twice nor in a closed period.
func TestCancelledEntryLeavesTheBooksAsBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg := config.Default()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		svc := &entries.Service{Store: s, Cfg: &cfg, Catalog: cat}
		wrong := &store.OtherEntry{Kind: store.OtherExpense, Method: entries.MethodCash, Date: date.MustParse("2026-05-02"),
			AmountCents: 4200, Label: "Routeur", Counterparty: "Boutique"}
		if _, err := svc.Record(ctx, wrong, "tresorier"); err != nil {
			t.Fatal(err)
		}
		counter, err := svc.Cancel(ctx, wrong.ID, "tresorier")
		if err != nil {
			t.Fatal(err)
		}
		if counter.Number != "CA2026-000002" || counter.Date.String() != "2026-05-02" {
			t.Fatalf("counter-entry %s on %s", counter.Number, counter.Date)
		}
		lines, err := (&accounting.Service{Store: s, Cfg: &cfg, Catalog: cat}).Entries(ctx, date.MustParse("2026-01-01"), date.MustParse("2026-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		balance, numbers := map[string]int64{}, map[string]bool{}
		for _, l := range lines {
			balance[l.Account] += l.Debit - l.Credit
			numbers[l.Num] = true
		}
		if balance["606"] != 0 || balance["530"] != 0 || !numbers["CA2026-000001"] || !numbers["CA2026-000002"] {
			t.Fatalf("after the cancel: balances %v, entries %v", balance, numbers)
		}
		stored, err := s.OtherEntryByID(ctx, wrong.ID)
		if err != nil || stored.CancelledAt == nil || stored.EntryNumber != "CA2026-000001" {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		if _, err := svc.Cancel(ctx, wrong.ID, "tresorier"); !errors.Is(err, entries.ErrCancelled) {
			t.Fatalf("second cancel: %v", err)
		}

		// In a closed month the entry stays, and nothing is written.
		late := &store.OtherEntry{Kind: store.OtherIncome, Method: entries.MethodCheque, Date: date.MustParse("2026-06-03"),
			AmountCents: 900, Label: "Vente de câbles"}
		if _, err := svc.Record(ctx, late, "tresorier"); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.New(&cfg, cat).Close(ctx, s, "2026-06", "test"); err != nil {
			t.Fatal(err)
		}
		var closed *ledger.ClosedError
		if _, err := svc.Cancel(ctx, late.ID, "tresorier"); !errors.As(err, &closed) || closed.Period != "2026-06" {
			t.Fatalf("cancel in a closed month: %v", err)
		}
		if again, _ := s.OtherEntryByID(ctx, late.ID); again.CancelledAt != nil {
			t.Fatal("an entry of a closed month was marked cancelled")
		}
	})
}
