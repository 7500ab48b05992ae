package ledger_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"coin/accounting"
	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/i18n"
	"coin/ledger"
	"coin/store"
	"coin/store/storetest"
)

type fixture struct {
	ctx   context.Context
	s     *store.Store
	cfg   *config.Config
	bill  *billing.Service
	fees  *fees.Service
	books *accounting.Service
	m     *store.Member
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	cfg := config.Default()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &fixture{ctx: context.Background(), s: s, cfg: &cfg,
		bill:  &billing.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log},
		fees:  &fees.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log},
		books: &accounting.Service{Store: s, Cfg: &cfg, Catalog: cat}}
	f.m = &store.Member{Login: "zoe", Role: "member", PersonType: "natural", FirstName: "Zoé", LastName: "Martin",
		Email: "z@example.org", Status: "member"}
	if err := s.CreateMember(f.ctx, f.m); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) pay(t *testing.T, day, method string, cents int64) (*store.Payment, error) {
	t.Helper()
	p := &store.Payment{MemberID: f.m.ID, Method: method, Date: date.MustParse(day), AmountCents: cents, Label: "VIR"}
	_, err := f.bill.RecordPayment(f.ctx, p, "test")
	return p, err
}

// bankFee records a fee paid by a bank line, as the bank import does.
func (f *fixture) bankFee(t *testing.T, day, ref string) error {
	t.Helper()
	p := &store.Payment{MemberID: f.m.ID, Method: "transfer", Date: date.MustParse(day), AmountCents: 1500,
		Label: "ADH", BankReference: ref}
	return f.s.Tx(f.ctx, func(tx *store.Store) error {
		if _, err := f.bill.RecordPaymentTx(f.ctx, tx, p, billing.PaymentOptions{Unallocated: true, Member: f.m}, "test"); err != nil {
			return err
		}
		_, err := f.fees.RecordPaidTx(f.ctx, tx, p, f.m, "transfer", nil, "test")
		return err
	})
}

func (f *fixture) typedFee(t *testing.T, start, paid, method string) (*store.MembershipFee, error) {
	t.Helper()
	fee, errs, err := f.fees.Record(f.ctx, f.m.ID, nil, "test", &fees.Form{Amount: "15", StartDate: start,
		PaymentMethod: method, PaymentDate: paid, Reference: "CHQ 12"})
	if err == nil && errs.Any() {
		err = errors.New(errs.Get("payment_date") + errs.Get("start_date"))
	}
	return fee, err
}

// numbers gives each entry's number of a range by its piece and journal.
func (f *fixture) numbers(t *testing.T, from, to string) map[string]string {
	t.Helper()
	lines, err := f.books.Entries(f.ctx, date.MustParse(from), date.MustParse(to))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	sums := map[string]int64{}
	for _, l := range lines {
		out[l.Journal+" "+l.PieceRef+" "+l.Date.String()] = l.Num
		sums[l.Num] += l.Debit - l.Credit
	}
	for num, d := range sums {
		if d != 0 {
			t.Errorf("entry %s is off by %d", num, d)
		}
	}
	return out
}

func TestEveryMoneyEventIsBookedWithAStableNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		draft, err := f.bill.CreateDraft(f.ctx, f.m.ID, []billing.LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: 1000,
			TaxRateBP: 2000}}, "test")
		if err != nil {
			t.Fatal(err)
		}
		inv, err := f.bill.ValidateDraft(f.ctx, draft.ID, date.MustParse("2026-03-01"), "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.bill.CreditNote(f.ctx, inv.ID, 200, "Geste", date.MustParse("2026-03-02"), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay(t, "2026-03-10", "transfer", 1000); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay(t, "2026-03-11", "cash", 200); err != nil {
			t.Fatal(err)
		}
		if err := f.bankFee(t, "2026-03-12", "B-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.typedFee(t, "2024-05-01", "2025-04-28", "check"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.typedFee(t, "2027-03-12", "2026-04-28", "cash"); err != nil {
			t.Fatal(err)
		}
		year := f.numbers(t, "2026-01-01", "2026-12-31")
		// Invoice, credit note, two payments, two fees in 2026.
		if len(year) != 6 {
			t.Fatalf("2026: %v", year)
		}
		if y25 := f.numbers(t, "2025-01-01", "2025-12-31"); len(y25) != 1 || y25["BQ CHQ 12 2025-04-28"] != "BQ2025-000001" {
			t.Fatalf("2025: %v", y25)
		}
		if year["VE "+inv.Number+" 2026-03-01"] != "VE2026-000001" || year["CA CHQ 12 2026-04-28"] != "CA2026-000002" ||
			year["BQ B-1 2026-03-12"] != "BQ2026-000002" {
			t.Fatalf("2026: %v", year)
		}
		// A payment dated 2014 imported later, and another in March: the
		// numbers of 2026 do not move, in any range.
		if _, err := f.pay(t, "2014-06-01", "transfer", 500); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay(t, "2026-03-05", "transfer", 100); err != nil {
			t.Fatal(err)
		}
		wide := f.numbers(t, "2014-01-01", "2027-12-31")
		march := f.numbers(t, "2026-03-01", "2026-03-31")
		for k, num := range year {
			if wide[k] != num || (k[len(k)-10:len(k)-3] == "2026-03" && march[k] != num) {
				t.Errorf("%s: %s in 2026, %s in 2014-2027, %s in March", k, num, wide[k], march[k])
			}
		}
		if wide["BQ P5 2026-03-05"] != "BQ2026-000003" || wide["BQ P4 2014-06-01"] != "BQ2014-000001" {
			t.Errorf("later entries: %v", wide)
		}
		// The FEC lists each journal's entries in the order they were numbered
		// (validation order), whatever their dates.
		var fec strings.Builder
		if err := f.books.WriteFEC(f.ctx, &fec, date.MustParse("2014-01-01"), date.MustParse("2027-12-31")); err != nil {
			t.Fatal(err)
		}
		last := map[string]string{}
		for _, row := range strings.Split(strings.TrimSpace(fec.String()), "\r\n")[1:] {
			cols := strings.Split(row, "|")
			if cols[2] < last[cols[0]] {
				t.Fatalf("%s after %s:\n%s", cols[2], last[cols[0]], fec.String())
			}
			last[cols[0]] = cols[2]
		}
		// The backfill finds nothing left to book.
		if n, err := f.books.Ledger().Backfill(f.ctx, s); err != nil || n != 0 {
			t.Fatalf("backfill: %d %v", n, err)
		}
	})
}

func TestBackfillBooksThePastOnceInDateOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		// Written as before the ledger: straight into the tables.
		for _, d := range []string{"2025-02-01", "2025-01-15"} {
			if err := s.CreatePayment(f.ctx, &store.Payment{MemberID: f.m.ID, Method: "transfer", Date: date.MustParse(d),
				AmountCents: 700}); err != nil {
				t.Fatal(err)
			}
		}
		p := &store.Payment{MemberID: f.m.ID, Method: "transfer", Date: date.MustParse("2025-01-20"), AmountCents: 1500}
		if err := s.CreatePayment(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMembershipFee(f.ctx, &store.MembershipFee{MemberID: f.m.ID, Amount: 1500, StartDate: p.Date,
			EndDate: date.MustParse("2026-01-19"), PaymentDate: p.Date, PaymentMethod: "transfer", PaymentID: &p.ID}); err != nil {
			t.Fatal(err)
		}
		n, err := f.books.Ledger().Backfill(f.ctx, s)
		if err != nil || n != 3 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		got := f.numbers(t, "2025-01-01", "2025-12-31")
		if got["BQ P2 2025-01-15"] != "BQ2025-000001" || got["BQ P3 2025-01-20"] != "BQ2025-000002" ||
			got["BQ P1 2025-02-01"] != "BQ2025-000003" {
			t.Fatalf("numbers %v", got)
		}
		lines, _ := f.books.Entries(f.ctx, date.MustParse("2025-01-20"), date.MustParse("2025-01-20"))
		if len(lines) != 2 || lines[1].Account != "756" || lines[1].Label != "Cotisation Zoé Martin" {
			t.Fatalf("fee entry %+v", lines)
		}
		if n, err := f.books.Ledger().Backfill(f.ctx, s); err != nil || n != 0 {
			t.Fatalf("second backfill: %d %v", n, err)
		}
		if pending, err := s.LedgerBackfillPending(f.ctx); err != nil || pending {
			t.Fatalf("pending %v %v", pending, err)
		}
	})
}

func TestClosedPeriodRefusesWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		fee, err := f.typedFee(t, "2025-03-01", "2025-03-01", "cash")
		if err != nil {
			t.Fatal(err)
		}
		l := f.books.Ledger()
		if _, err := l.Close(f.ctx, s, "2099-01", "test"); !errors.Is(err, ledger.ErrPeriodNotOver) {
			t.Fatalf("future close: %v", err)
		}
		if _, err := l.Close(f.ctx, s, "2025-13", "test"); !errors.Is(err, ledger.ErrBadPeriod) {
			t.Fatalf("bad period: %v", err)
		}
		if _, err := l.Close(f.ctx, s, "2025-03", "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Close(f.ctx, s, "2025-03", "test"); !errors.Is(err, ledger.ErrAlreadyClosed) {
			t.Fatalf("closed twice: %v", err)
		}
		before := f.numbers(t, "2025-01-01", "2025-12-31")
		var closed *ledger.ClosedError
		if _, err := f.pay(t, "2025-03-31", "transfer", 100); !errors.As(err, &closed) || closed.Period != "2025-03" {
			t.Fatalf("payment into a closed month: %v", err)
		}
		if err := f.bankFee(t, "2025-03-15", "B-9"); !errors.Is(err, ledger.ErrClosed) {
			t.Fatalf("bank fee into a closed month: %v", err)
		}
		if _, err := f.typedFee(t, "2025-04-01", "2025-03-20", "check"); err == nil || err.Error() == "" {
			t.Fatalf("typed fee into a closed month: %v", err)
		}
		if err := f.fees.Delete(f.ctx, f.m.ID, fee.ID, "test"); !errors.Is(err, ledger.ErrClosed) {
			t.Fatalf("deleting a fee of a closed month: %v", err)
		}
		// The month after is open; the year can still be closed over it.
		if _, err := f.pay(t, "2025-04-01", "transfer", 100); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Close(f.ctx, s, "2025", "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay(t, "2025-12-31", "transfer", 100); !errors.As(err, &closed) || closed.Period != "2025" {
			t.Fatalf("payment into a closed year: %v", err)
		}
		after := f.numbers(t, "2025-01-01", "2025-12-31")
		if len(after) != len(before)+1 {
			t.Fatalf("before %v after %v", before, after)
		}
		cat, _ := i18n.Load()
		msg := closed.Message(cat.Locale("fr", f.cfg.Location(), "EUR"))
		if msg != "La période 2025 est clôturée : plus rien ne peut être daté du 31/12/2025." {
			t.Fatalf("message %q", msg)
		}
	})
}

func TestChargeRefusesAFutureDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		future := date.Of(s.Now()).AddDays(30)
		if _, err := f.bill.Charge(f.ctx, future, false, nil); !errors.Is(err, billing.ErrFutureCharge) {
			t.Fatalf("future charge: %v", err)
		}
		if _, err := f.bill.Charge(f.ctx, future, true, nil); err != nil {
			t.Fatalf("future dry run: %v", err)
		}
	})
}
