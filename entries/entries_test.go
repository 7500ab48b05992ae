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

func TestCashAndChequeEntriesAreBooked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg := config.Default()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		svc := &entries.Service{Store: s, Cfg: &cfg, Catalog: cat}
		cash := &store.OtherEntry{Kind: store.OtherExpense, Method: entries.MethodCash, Date: date.MustParse("2026-04-02"),
			AmountCents: 1250, Label: "Câbles RJ45", Counterparty: "Quincaillerie"}
		e, err := svc.Record(ctx, cash, "tresorier")
		if err != nil {
			t.Fatal(err)
		}
		if e.Journal != "CA" || e.Number != "CA2026-000001" || cash.Account != "606" {
			t.Fatalf("cash expense booked %s %s on %s", e.Journal, e.Number, cash.Account)
		}
		cheque := &store.OtherEntry{Kind: store.OtherDonation, Method: entries.MethodCheque, Date: date.MustParse("2026-04-03"),
			AmountCents: 10000, DonorName: "Anne Généreuse", DonorAddress: "2 place du Marché\n35000 Rennes"}
		if e, err = svc.Record(ctx, cheque, "tresorier"); err != nil {
			t.Fatal(err)
		}
		if e.Journal != "BQ" || cheque.Account != "7541" || e.Label != "Don Anne Généreuse" {
			t.Fatalf("cheque donation booked %s on %s (%q)", e.Journal, cheque.Account, e.Label)
		}
		lines, err := (&accounting.Service{Store: s, Cfg: &cfg, Catalog: cat}).Entries(ctx, date.MustParse("2026-01-01"), date.MustParse("2026-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, l := range lines {
			got[l.Journal+" "+l.Account] += l.Debit - l.Credit
		}
		want := map[string]int64{"CA 606": 1250, "CA 530": -1250, "BQ 512": 10000, "BQ 7541": -10000}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %d, want %d (%v)", k, got[k], v, got)
			}
		}
		stored, err := s.OtherEntryByID(ctx, cash.ID)
		if err != nil || stored.EntryNumber != "CA2026-000001" {
			t.Fatalf("stored %+v, %v", stored, err)
		}

		// Bad input: a clear error, nothing written.
		for _, bad := range []*store.OtherEntry{
			{Kind: "gift", Method: "cash", Date: date.MustParse("2026-04-02"), AmountCents: 100, Label: "x"},
			{Kind: store.OtherExpense, Method: "cash", Date: date.MustParse("2026-04-02"), AmountCents: 0, Label: "x"},
			{Kind: store.OtherExpense, Method: "cash", Date: date.MustParse("2026-04-02"), AmountCents: 100, Label: ""},
			{Kind: store.OtherExpense, Method: "cash", Date: date.MustParse("2026-04-02"), AmountCents: 100, Label: "x", Account: "6/06"},
			{Kind: store.OtherDonation, Method: "cash", Date: date.MustParse("2026-04-02"), AmountCents: 100, DonorName: "Sans Adresse"},
		} {
			if _, err := svc.Record(ctx, bad, "t"); !errors.Is(err, entries.ErrInvalid) {
				t.Errorf("%+v accepted: %v", bad, err)
			}
		}
		// A closed period refuses.
		if _, err := ledger.New(&cfg, cat).Close(ctx, s, "2026-03", "test"); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Record(ctx, &store.OtherEntry{Kind: store.OtherIncome, Method: "cash", Date: date.MustParse("2026-03-31"),
			AmountCents: 500, Label: "Buvette"}, "t")
		var closed *ledger.ClosedError
		if !errors.As(err, &closed) || closed.Period != "2026-03" {
			t.Fatalf("entry into a closed month: %v", err)
		}
		all, err := s.OtherEntries(ctx, 100)
		if err != nil || len(all) != 2 {
			t.Fatalf("%d entries stored, want 2 (%v)", len(all), err)
		}
	})
}
