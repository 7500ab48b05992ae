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

// A payment that paid a membership fee is used up: it is neither credit
// nor money left to settle later invoices.
func TestFeePaymentsAreNotCredit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("alice", "Alice", "A")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		fee := &store.Payment{MemberID: m.ID, Method: "transfer", Date: date.MustParse("2027-03-01"), AmountCents: 1500}
		other := &store.Payment{MemberID: m.ID, Method: "transfer", Date: date.MustParse("2027-03-02"), AmountCents: 700}
		for _, p := range []*store.Payment{fee, other} {
			if err := s.CreatePayment(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: m.ID, Amount: 1500, StartDate: fee.Date,
			EndDate: date.MustParse("2028-02-29"), PaymentID: &fee.ID}); err != nil {
			t.Fatal(err)
		}
		b, err := s.MemberBalance(ctx, m.ID)
		if err != nil || b.CreditCents != 700 {
			t.Fatalf("balance %+v %v, want 700 cents of credit", b, err)
		}
		ps, err := s.UnallocatedPayments(ctx, m.ID)
		if err != nil || len(ps) != 1 || ps[0].ID != other.ID {
			t.Fatalf("unallocated %v %v", ps, err)
		}
	})
}

func TestBankLinesAndImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.RecordBankLine(ctx, &store.BankLine{BankReference: "R1", Hash: "h1", Date: date.MustParse("2027-03-01"), AmountCents: 1}); err != nil {
			t.Fatal(err)
		}
		for _, l := range []*store.BankLine{{BankReference: "R1", Hash: "h2"}, {Hash: "h1"}} {
			l.Date = date.MustParse("2027-03-01")
			if err := s.RecordBankLine(ctx, l); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("%+v imported twice: %v", l, err)
			}
		}
		// Lines without a reference are told apart by their key alone.
		for _, h := range []string{"h3", "h4"} {
			if err := s.RecordBankLine(ctx, &store.BankLine{Hash: h, Date: date.MustParse("2027-03-01")}); err != nil {
				t.Fatal(err)
			}
		}
		seen, err := s.ImportedBankKeys(ctx, []string{"R1", "R9"}, []string{"h1", "h4", "h9"})
		if err != nil || !seen["R1"] || seen["R9"] || !seen["h1"] || !seen["h4"] || seen["h9"] {
			t.Fatalf("seen %v %v", seen, err)
		}

		imp := &store.BankImport{FileName: "a.csv", Format: "x", ExpiresAt: time.Now().Add(time.Hour)}
		old := &store.BankImport{FileName: "b.csv", Format: "x", ExpiresAt: time.Now().Add(-time.Hour)}
		for _, i := range []*store.BankImport{imp, old} {
			if err := s.CreateBankImport(ctx, i, []*store.BankImportLine{{Position: 1, Date: date.MustParse("2027-03-01"),
				AmountCents: 100, Label: "x", Hash: "h", Method: "transfer", Result: model.LineUnmatched, Candidates: []int64{3, 5}}}); err != nil {
				t.Fatal(err)
			}
		}
		l, err := s.BankImportLine(ctx, imp.ID, 1)
		if err != nil || len(l.Candidates) != 2 || l.Candidates[1] != 5 {
			t.Fatalf("line %+v %v", l, err)
		}
		if n, err := s.DeleteExpiredBankImports(ctx, time.Now()); err != nil || n != 1 {
			t.Fatalf("expired: %d %v", n, err)
		}
		if err := s.MarkBankImportConfirmed(ctx, imp.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkBankImportConfirmed(ctx, imp.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("confirmed twice: %v", err)
		}
		l.Result = model.LineMatched
		if err := s.UpdateBankImportLine(ctx, l); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("line of a confirmed import changed: %v", err)
		}
	})
}
