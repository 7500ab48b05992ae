package billing

import (
	"bufio"
	"coin/pdftest"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coin/accountinglog"
	"coin/model"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/ispdb"
	"coin/store"
	"coin/store/storetest"
)

type fixture struct {
	t   testing.TB
	s   *store.Store
	svc *Service
	ctx context.Context
}

func newFixture(t testing.TB, s *store.Store, tweak func(*config.Config)) *fixture {
	cfg := config.Default()
	cfg.Billing.AccountingLog = filepath.Join(t.TempDir(), "accounting.log")
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.SetHooks(store.Hooks{Logged: (&accountinglog.File{Path: cfg.Billing.AccountingLog, Currency: cfg.Billing.Currency, Log: quiet}).Write})
	svc := &Service{Store: s, Cfg: &cfg, Catalog: cat, Log: quiet,
		Identity: func(context.Context) ispdb.Identity {
			return ispdb.Identity{Name: "Rézo", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		}}
	return &fixture{t: t, s: s, svc: svc, ctx: context.Background()}
}

func (f *fixture) member(login string) *store.Member {
	m := &store.Member{Login: login, Role: "member", PersonType: "natural", FirstName: "Zoé", LastName: login,
		Email: login + "@example.org", Status: "member", Address: "1 rue Garibaldi", PostalCode: "69003", City: "Lyon"}
	if err := f.s.CreateMember(f.ctx, m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) offer(ref string, months int, fee, setup int64) *store.Offer {
	o := &store.Offer{Name: "Offre " + ref, Reference: ref, Backend: "vpn", BillingPeriodMonths: months,
		PeriodFeeCents: fee, SetupFeeCents: setup, Open: true}
	if err := f.s.CreateOffer(f.ctx, o); err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *fixture) subscribe(m *store.Member, o *store.Offer, start string) *store.Subscription {
	s := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse(start)}
	if err := f.s.CreateSubscription(f.ctx, s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) charge(day string) Summary {
	f.t.Helper()
	sum, err := f.svc.Charge(f.ctx, date.MustParse(day), false, nil)
	if err != nil {
		f.t.Fatalf("charge %s: %v", day, err)
	}
	return sum
}

func (f *fixture) invoices() []*store.Invoice {
	list, _, err := f.s.ListInvoices(f.ctx, store.InvoiceFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func TestChargeProratesAddsSetupFeeAndIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		vpn := f.offer("VPN", 1, 600, 2000)
		f.subscribe(zoe, vpn, "2026-11-21")
		dry, err := f.svc.Charge(f.ctx, date.MustParse("2026-11-25"), true, nil)
		if err != nil || dry.Invoices != 1 || dry.TotalCents != 2200 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if len(f.invoices()) != 0 {
			t.Fatal("dry run wrote invoices")
		}
		sum := f.charge("2026-11-25")
		if sum.Invoices != 1 || sum.First != "2026-000001" || sum.TotalCents != 2200 {
			t.Fatalf("first run: %+v", sum)
		}
		inv := f.invoices()[0]
		lines, _ := s.InvoiceLines(f.ctx, inv.ID)
		// 10 of 30 days of 6.00 = 2.00, and the setup fee.
		if len(lines) != 2 || lines[0].AmountCents != 2000 || lines[1].AmountCents != 200 ||
			lines[1].PeriodFrom.String() != "2026-11-21" || lines[1].PeriodTo.String() != "2026-11-30" {
			t.Fatalf("lines: %+v %+v", lines[0], lines[1])
		}
		if inv.DueDate.String() != "2026-12-25" || !inv.HasPDF || inv.Status != model.InvoiceValidated {
			t.Fatalf("invoice: %+v", inv)
		}
		if again := f.charge("2026-11-26"); again.Invoices != 0 {
			t.Fatalf("second run charged again: %+v", again)
		}
		next := f.charge("2026-12-01")
		if next.Invoices != 1 || next.First != "2026-000002" || next.TotalCents != 600 {
			t.Fatalf("December: %+v", next)
		}
		// The database itself refuses a period charged twice.
		err = s.Tx(f.ctx, func(tx *store.Store) error {
			return tx.RecordChargedPeriod(f.ctx, store.ChargedPeriod{SubscriptionID: 1,
				From: date.MustParse("2026-12-01"), To: date.MustParse("2026-12-31")})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate period: %v", err)
		}
	})
}

func TestChargeCatchesUpAndOneInvoicePerMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, func(c *config.Config) { c.Billing.ChargeFrom = date.MustParse("2026-09-01") })
		zoe, bob := f.member("zoe"), f.member("bob")
		vpn, vps := f.offer("VPN", 1, 500, 0), f.offer("VPS", 1, 800, 0)
		year := f.offer("AN", 12, 5000, 0)
		f.subscribe(zoe, vpn, "2025-01-01")
		f.subscribe(zoe, vps, "2026-10-15")
		f.subscribe(bob, year, "2026-07-01")
		free := f.offer("FREE", 1, 0, 0)
		f.subscribe(bob, free, "2026-01-01")
		sum := f.charge("2026-11-02")
		if sum.Invoices != 2 {
			t.Fatalf("%+v", sum)
		}
		byMember := map[int64]*store.Invoice{}
		for _, inv := range f.invoices() {
			byMember[inv.MemberID] = inv
		}
		zl, _ := s.InvoiceLines(f.ctx, byMember[zoe.ID].ID)
		// VPN Sept, Oct, Nov (charge_from skips earlier) and VPS from 15 Oct, Nov.
		if len(zl) != 5 {
			t.Fatalf("zoe has %d lines", len(zl))
		}
		bl, _ := s.InvoiceLines(f.ctx, byMember[bob.ID].ID)
		if len(bl) != 1 || bl[0].AmountCents != 5000 || bl[0].PeriodTo.String() != "2027-06-30" {
			t.Fatalf("bob: %+v", bl)
		}
		if f.charge("2026-11-03").Invoices != 0 {
			t.Fatal("catch-up charged twice")
		}
	})
}

func TestConcurrentChargesGiveTheSameInvoicesAsOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		vpn := f.offer("VPN", 1, 500, 0)
		for i := 0; i < 30; i++ {
			f.subscribe(f.member(fmt.Sprintf("m%02d", i)), vpn, "2026-10-01")
		}
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.Charge(f.ctx, date.MustParse("2026-11-05"), false, nil)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		invs := f.invoices()
		if len(invs) != 30 {
			t.Fatalf("%d invoices, want 30", len(invs))
		}
		assertGapFree(t, invs, 30)
	})
}

func assertGapFree(t *testing.T, invs []*store.Invoice, n int) {
	t.Helper()
	seen := map[string]bool{}
	for _, inv := range invs {
		if inv.Kind == model.KindInvoice && inv.Status == model.InvoiceValidated {
			seen[inv.Number] = true
		}
	}
	for i := 1; i <= n; i++ {
		if num := fmt.Sprintf("2026-%06d", i); !seen[num] {
			t.Fatalf("number %s missing: %v", num, seen)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d numbers, want %d", len(seen), n)
	}
}

func TestConcurrentValidationsStayGapFree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		m := f.member("zoe")
		var ids []int64
		for i := 0; i < 8; i++ {
			inv, err := f.svc.CreateDraft(f.ctx, m.ID, []LineInput{{Label: "Routeur", Quantity: 1, UnitPriceCents: 4500}}, "test")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, inv.ID)
		}
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				if _, err := f.svc.ValidateDraft(f.ctx, id, date.MustParse("2026-11-25"), "test"); err != nil {
					t.Error(err)
				}
			}(id)
		}
		wg.Wait()
		assertGapFree(t, f.invoices(), 8)
		// Validating again, or dating before the last number, is refused.
		if _, err := f.svc.ValidateDraft(f.ctx, ids[0], date.MustParse("2026-11-26"), "test"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("validated twice: %v", err)
		}
		late, _ := f.svc.CreateDraft(f.ctx, m.ID, []LineInput{{Label: "Câble", Quantity: 2, UnitPriceCents: 300}}, "test")
		if _, err := f.svc.ValidateDraft(f.ctx, late.ID, date.MustParse("2026-11-20"), "test"); !errors.Is(err, store.ErrChronology) {
			t.Fatalf("back-dated validation: %v", err)
		}
		if inv, _ := s.InvoiceByID(f.ctx, late.ID); inv.Status != model.InvoiceDraft {
			t.Fatal("a refused validation changed the draft")
		}
	})
}

func TestValidatedInvoicesAndLogAreFrozen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		m := f.member("zoe")
		d, _ := f.svc.CreateDraft(f.ctx, m.ID, []LineInput{{Label: "Routeur", Quantity: 1, UnitPriceCents: 4500}}, "test")
		if _, err := f.svc.ValidateDraft(f.ctx, d.ID, date.MustParse("2026-11-25"), "test"); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		rebind := func(q string) string {
			if s.Dialect() == store.Postgres {
				return strings.Replace(q, "?", "$1", 1)
			}
			return q
		}
		for _, q := range []string{`UPDATE invoices SET total_cents = 1 WHERE id = ?`,
			`UPDATE invoice_lines SET amount_cents = 1 WHERE invoice_id = ?`,
			`DELETE FROM invoices WHERE id = ?`, `UPDATE accounting_log SET amount_cents = 0 WHERE id >= ?`,
			`DELETE FROM accounting_log WHERE id >= ?`} {
			if _, err := db.Exec(rebind(q), d.ID); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		if err := f.svc.UpdateDraft(f.ctx, d.ID, []LineInput{{Label: "x", Quantity: 1, UnitPriceCents: 1}}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("update validated: %v", err)
		}
	})
}

func TestPaymentsSettleOldestFirstAndKeepTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		vpn := f.offer("VPN", 1, 1000, 0)
		f.subscribe(zoe, vpn, "2026-09-01")
		f.charge("2026-09-01")
		f.charge("2026-10-01")
		f.charge("2026-11-01")
		p := &store.Payment{MemberID: zoe.ID, Method: "transfer", Date: date.MustParse("2026-11-10"), AmountCents: 2500, Label: "VIR ZOE"}
		allocs, err := f.svc.RecordPayment(f.ctx, p, "treasurer")
		if err != nil {
			t.Fatal(err)
		}
		if len(allocs) != 3 || allocs[0].InvoiceNumber != "2026-000001" || allocs[2].AmountCents != 500 {
			t.Fatalf("allocations: %+v", allocs)
		}
		invs := map[string]*store.Invoice{}
		for _, inv := range f.invoices() {
			invs[inv.Number] = inv
		}
		if invs["2026-000001"].Remaining() != 0 || invs["2026-000002"].Remaining() != 0 || invs["2026-000003"].Remaining() != 500 {
			t.Fatal("not settled oldest first")
		}
		b, _ := s.MemberBalance(f.ctx, zoe.ID)
		if b.OwedCents != 500 || b.CreditCents != 0 {
			t.Fatalf("balance %+v", b)
		}
		p2 := &store.Payment{MemberID: zoe.ID, Method: "cash", Date: date.MustParse("2026-11-12"), AmountCents: 1200}
		f.svc.RecordPayment(f.ctx, p2, "treasurer")
		b, _ = s.MemberBalance(f.ctx, zoe.ID)
		if b.OwedCents != 0 || b.CreditCents != 700 {
			t.Fatalf("balance after overpayment %+v", b)
		}
		// Re-allocation by hand: move 500 of the first payment back.
		if err := f.svc.Reallocate(f.ctx, p.ID, []Allocation{{InvoiceID: invs["2026-000001"].ID, AmountCents: 1000},
			{InvoiceID: invs["2026-000002"].ID, AmountCents: 1000}}, "treasurer"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reallocate(f.ctx, p.ID, []Allocation{{InvoiceID: invs["2026-000001"].ID, AmountCents: 9999}}, "treasurer"); !errors.Is(err, ErrOverAllocated) {
			t.Fatalf("over-allocation: %v", err)
		}
		// Invoice 3 keeps the 5.00 of the second payment; the first payment
		// has 5.00 free, the second 7.00.
		b, _ = s.MemberBalance(f.ctx, zoe.ID)
		if b.OwedCents != 500 || b.CreditCents != 1200 {
			t.Fatalf("balance after reallocation %+v", b)
		}
	})
}

func TestHandleBalanceUsesCreditForNewInvoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, func(c *config.Config) { c.Billing.HandleBalance = true })
		zoe := f.member("zoe")
		f.subscribe(zoe, f.offer("VPN", 1, 1000, 0), "2026-10-01")
		f.svc.RecordPayment(f.ctx, &store.Payment{MemberID: zoe.ID, Method: "transfer", Date: date.MustParse("2026-09-30"), AmountCents: 1500}, "t")
		f.charge("2026-10-01")
		f.charge("2026-11-01")
		b, _ := s.MemberBalance(f.ctx, zoe.ID)
		if b.OwedCents != 500 || b.CreditCents != 0 {
			t.Fatalf("balance %+v", b)
		}
	})
}

func TestCreditNote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		f.subscribe(zoe, f.offer("VPN", 1, 1000, 0), "2026-11-01")
		f.charge("2026-11-01")
		inv := f.invoices()[0]
		cn, err := f.svc.CreditNote(f.ctx, inv.ID, 400, "Geste commercial", date.MustParse("2026-11-03"), "treasurer")
		if err != nil {
			t.Fatal(err)
		}
		if cn.Number != "AV-2026-000001" || cn.Kind != model.KindCreditNote {
			t.Fatalf("credit note %+v", cn)
		}
		after, _ := s.InvoiceByID(f.ctx, inv.ID)
		if after.Remaining() != 600 {
			t.Fatalf("remaining after credit: %d", after.Remaining())
		}
		if _, err := f.svc.CreditNote(f.ctx, inv.ID, 700, "trop", date.MustParse("2026-11-03"), "t"); !errors.Is(err, ErrOverAllocated) {
			t.Fatalf("credit above the invoice: %v", err)
		}
		pdf, _ := s.InvoicePDF(f.ctx, cn.ID)
		if len(pdf) < 1000 {
			t.Fatal("credit note has no PDF")
		}
	})
}

func TestAccountingLogFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		f.subscribe(zoe, f.offer("VPN", 1, 1000, 0), "2026-11-01")
		f.charge("2026-11-01")
		f.svc.RecordPayment(f.ctx, &store.Payment{MemberID: zoe.ID, Method: "cheque", Date: date.MustParse("2026-11-02"), AmountCents: 1000}, "treasurer")
		file, err := os.Open(f.svc.Cfg.Billing.AccountingLog)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		var ops []string
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			line := sc.Text()
			i := strings.Index(line, `"operation":"`)
			ops = append(ops, strings.SplitN(line[i+13:], `"`, 2)[0])
		}
		want := "invoice.created invoice.validated payment.created allocation.created"
		if strings.Join(ops, " ") != want {
			t.Fatalf("log file operations %q, want %q", strings.Join(ops, " "), want)
		}
		entries, _ := s.LogEntries(f.ctx, 0, 100)
		if len(entries) != 4 {
			t.Fatalf("%d table entries", len(entries))
		}
	})
}

// linesOf returns the lines of the invoices numbered in a run.
func (f *fixture) linesOf(number string) []*store.InvoiceLine {
	f.t.Helper()
	for _, inv := range f.invoices() {
		if inv.Number == number {
			ls, err := f.s.InvoiceLines(f.ctx, inv.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			return ls
		}
	}
	f.t.Fatalf("no invoice %s", number)
	return nil
}

func TestEditedStartOrPeriodNeverChargesADayTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe, leo := f.member("zoe"), f.member("leo")
		q := f.offer("Q", 3, 9000, 2000)
		y := f.offer("Y", 12, 12000, 0)
		sub := f.subscribe(zoe, q, "2026-01-15")
		f.subscribe(leo, y, "2026-01-01")
		if sum := f.charge("2026-01-15"); sum.Invoices != 2 || sum.TotalCents != 2000+Prorate(9000, 76, 90)+12000 {
			t.Fatalf("first charge: %+v", sum)
		}
		// Zoé's start moves to 10 February: her period is now February to
		// April, of which only April is not charged yet. The yearly offer
		// becomes quarterly: Léo's quarters of 2026 are all charged.
		sub.StartDate = date.MustParse("2026-02-10")
		if err := s.UpdateSubscription(f.ctx, sub); err != nil {
			t.Fatal(err)
		}
		y.BillingPeriodMonths, y.PeriodFeeCents = 3, 3000
		if err := s.UpdateOffer(f.ctx, y); err != nil {
			t.Fatal(err)
		}
		sum := f.charge("2026-02-10")
		if sum.Invoices != 1 || sum.Lines != 1 || sum.TotalCents != Prorate(9000, 30, 89) {
			t.Fatalf("after the start date moved: %+v", sum)
		}
		ls := f.linesOf(sum.First)
		if ls[0].PeriodFrom.String() != "2026-04-01" || ls[0].PeriodTo.String() != "2026-04-30" || *ls[0].SubscriptionID != sub.ID {
			t.Fatalf("line: %+v", ls[0])
		}
		if again := f.charge("2026-02-11"); again.Invoices != 0 {
			t.Fatalf("not idempotent: %+v", again)
		}
		if apr := f.charge("2026-04-01"); apr.Invoices != 0 {
			t.Fatalf("April charged again after the yearly period: %+v", apr)
		}
		if may := f.charge("2026-05-01"); may.Invoices != 1 || may.TotalCents != 9000 {
			t.Fatalf("May: %+v", may)
		}
		// Zoé: August–October and November–January; Léo: January–March
		// (charged on the day: a charge dated later than today is refused).
		s.Now = func() time.Time { return time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC) }
		if jan := f.charge("2027-01-01"); jan.Invoices != 2 || jan.TotalCents != 2*9000+3000 {
			t.Fatalf("January 2027: %+v", jan)
		}
	})
}

func TestReallocateRefusesAFeePayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		f.subscribe(zoe, f.offer("VPN", 1, 1000, 0), "2026-11-01")
		f.charge("2026-11-01")
		inv := f.invoices()[0]
		p := &store.Payment{MemberID: zoe.ID, Method: "transfer", Date: date.MustParse("2026-11-05"), AmountCents: 2000}
		if err := s.CreatePayment(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMembershipFee(f.ctx, &store.MembershipFee{MemberID: zoe.ID, Amount: 2000,
			StartDate: date.MustParse("2026-11-01"), EndDate: date.MustParse("2027-10-31"), PaymentID: &p.ID}); err != nil {
			t.Fatal(err)
		}
		err := f.svc.Reallocate(f.ctx, p.ID, []Allocation{{InvoiceID: inv.ID, AmountCents: 1000}}, "treasurer")
		if !errors.Is(err, ErrPaysFee) {
			t.Fatalf("re-allocating a fee payment: %v", err)
		}
		if after, _ := s.InvoiceByID(f.ctx, inv.ID); after.Remaining() != 1000 {
			t.Fatalf("invoice settled by the fee's money: %d left", after.Remaining())
		}
		// Its money went to the fee: nothing is left unallocated.
		if got, _ := s.PaymentByID(f.ctx, p.ID); got.Unallocated() != 0 {
			t.Fatalf("a fee payment shows %d unallocated", got.Unallocated())
		}
	})
}

func TestCreditNoteReversesTax(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		issue := func(lines ...LineInput) *store.Invoice {
			t.Helper()
			d, err := f.svc.CreateDraft(f.ctx, zoe.ID, lines, "t")
			if err != nil {
				t.Fatal(err)
			}
			inv, err := f.svc.ValidateDraft(f.ctx, d.ID, date.MustParse("2026-11-02"), "t")
			if err != nil {
				t.Fatal(err)
			}
			return inv
		}
		credit := func(inv *store.Invoice, amount int64) *store.Invoice {
			t.Helper()
			cn, err := f.svc.CreditNote(f.ctx, inv.ID, amount, "Avoir", date.MustParse("2026-11-03"), "t")
			if err != nil {
				t.Fatal(err)
			}
			return cn
		}
		// 10.00 + 2.00 VAT, fully credited: the same amounts.
		inv := issue(LineInput{Label: "VPN", Quantity: 1, UnitPriceCents: 1000, TaxRateBP: 2000})
		cn := credit(inv, 1200)
		if cn.TotalExclCents != 1000 || cn.TaxCents != 200 || cn.TotalCents != 1200 {
			t.Fatalf("full credit note: %d + %d = %d", cn.TotalExclCents, cn.TaxCents, cn.TotalCents)
		}
		ls, _ := s.InvoiceLines(f.ctx, cn.ID)
		if len(ls) != 1 || ls[0].TaxRateBP != 2000 || ls[0].AmountCents != 1000 || ls[0].TaxCents != 200 {
			t.Fatalf("full credit note lines: %+v", ls)
		}
		// Two rates, credited in three parts: each adds up to the cent and
		// together they reverse the invoice exactly.
		inv = issue(LineInput{Label: "VPN", Quantity: 1, UnitPriceCents: 1000, TaxRateBP: 2000},
			LineInput{Label: "Câble", Quantity: 3, UnitPriceCents: 333, TaxRateBP: 550})
		var excl, tax int64
		for _, amount := range []int64{500, 1001, inv.TotalCents - 1501} {
			cn := credit(inv, amount)
			if cn.TotalCents != amount || cn.TotalExclCents+cn.TaxCents != amount {
				t.Fatalf("credit note of %d: %d + %d = %d", amount, cn.TotalExclCents, cn.TaxCents, cn.TotalCents)
			}
			ls, _ := s.InvoiceLines(f.ctx, cn.ID)
			for _, l := range ls {
				if l.TaxRateBP != 2000 && l.TaxRateBP != 550 {
					t.Fatalf("line at %d bp", l.TaxRateBP)
				}
			}
			excl, tax = excl+cn.TotalExclCents, tax+cn.TaxCents
		}
		if excl != inv.TotalExclCents || tax != inv.TaxCents {
			t.Fatalf("credited %d + %d, invoice %d + %d", excl, tax, inv.TotalExclCents, inv.TaxCents)
		}
		if _, err := f.svc.CreditNote(f.ctx, inv.ID, 1, "x", date.MustParse("2026-11-03"), "t"); !errors.Is(err, ErrOverAllocated) {
			t.Fatalf("credit beyond the invoice: %v", err)
		}
	})
}

func TestCreditLinesSplit(t *testing.T) {
	lines := []*store.InvoiceLine{
		{Label: "VPN", Quantity: 1, UnitPriceCents: 1000, TaxRateBP: 2000, AmountCents: 1000, TaxCents: 200},
		{Label: "Câble", Quantity: 3, UnitPriceCents: 333, TaxRateBP: 550, AmountCents: 999, TaxCents: 55},
		{Label: "Remise", Quantity: 1, UnitPriceCents: -100, TaxRateBP: 2000, AmountCents: -100, TaxCents: -20},
	}
	full := creditLines(lines, nil, 2134, "Avoir")
	if len(full) != 3 || full[2].AmountCents != -100 || full[2].TaxCents != -20 || full[1].Label != "Avoir — Câble" {
		t.Fatalf("full: %+v", full)
	}
	for amount := int64(1); amount <= 2134; amount += 7 {
		var sum int64
		for _, l := range creditLines(lines, nil, amount, "Avoir") {
			sum += l.AmountCents + l.TaxCents
			if l.AmountCents != l.UnitPriceCents || l.Quantity != 1 {
				t.Fatalf("line %+v", l)
			}
		}
		if sum != amount {
			t.Fatalf("credit of %d: lines add up to %d", amount, sum)
		}
	}
	if got := splitProportionally(100, []int64{1, 1, 1}, 3); got[0]+got[1]+got[2] != 100 || got[0] != 34 {
		t.Fatalf("split %v", got)
	}
}

func TestConcurrentCreditNotesNeverExceedTheInvoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		d, err := f.svc.CreateDraft(f.ctx, zoe.ID, []LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: 1000, TaxRateBP: 2000}}, "t")
		if err != nil {
			t.Fatal(err)
		}
		inv, err := f.svc.ValidateDraft(f.ctx, d.ID, date.MustParse("2026-11-02"), "t")
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.svc.CreditNote(f.ctx, inv.ID, 500, "Avoir", date.MustParse("2026-11-03"), "t")
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrOverAllocated):
				t.Errorf("unexpected error: %v", err)
			}
		}
		credited, err := s.CreditedByRate(f.ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		total := credited[2000].ExclCents + credited[2000].TaxCents
		if ok != 2 || total != 1000 {
			t.Fatalf("%d credit notes of 5.00 on a 12.00 invoice, %d credited", ok, total)
		}
	})
}

func TestDraftBoundsAndPositiveTotal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		for _, lines := range [][]LineInput{
			{{Label: "Remise", Quantity: 1, UnitPriceCents: -1000}},
			{{Label: "Rien", Quantity: 1, UnitPriceCents: 0, TaxRateBP: 2000}},
			{{Label: "Trop", Quantity: MaxQuantity + 1, UnitPriceCents: 100}},
			{{Label: "Trop", Quantity: 1, UnitPriceCents: MaxUnitPriceCents + 1}},
			{{Label: "Débord", Quantity: 1 << 40, UnitPriceCents: 1 << 40, TaxRateBP: 2000}},
		} {
			if _, err := f.svc.CreateDraft(f.ctx, zoe.ID, lines, "t"); !errors.Is(err, ErrTotalNotPositive) && !errors.Is(err, ErrLineOutOfRange) {
				t.Fatalf("%+v: %v", lines, err)
			}
		}
		// At the bounds the tax still fits: 10^13 cents at 100 %.
		max := []LineInput{{Label: "Max", Quantity: MaxQuantity, UnitPriceCents: MaxUnitPriceCents, TaxRateBP: 10000},
			{Label: "Remise", Quantity: 1, UnitPriceCents: -MaxUnitPriceCents}}
		d, err := f.svc.CreateDraft(f.ctx, zoe.ID, max, "t")
		if err != nil || d.TaxCents != int64(MaxQuantity)*MaxUnitPriceCents {
			t.Fatalf("at the bounds: %+v %v", d, err)
		}
		if err := f.svc.UpdateDraft(f.ctx, d.ID, []LineInput{{Label: "Zéro", Quantity: 1}}); !errors.Is(err, ErrTotalNotPositive) {
			t.Fatalf("update to zero: %v", err)
		}
		// A draft of 0 written before these checks is not validated.
		zero := &store.Invoice{Kind: model.KindInvoice, MemberID: zoe.ID}
		if err := s.CreateDraftInvoice(f.ctx, zero, []*store.InvoiceLine{lineFrom(LineInput{Label: "Zéro", Quantity: 1})}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ValidateDraft(f.ctx, zero.ID, date.MustParse("2026-11-02"), "t"); !errors.Is(err, ErrTotalNotPositive) {
			t.Fatalf("validating a 0 draft: %v", err)
		}
	})
}

// logOps reads the operations of the accounting log file, in order.
func (f *fixture) logOps() []string {
	f.t.Helper()
	data, err := os.ReadFile(f.svc.Cfg.Billing.AccountingLog)
	if err != nil && !os.IsNotExist(err) {
		f.t.Fatal(err)
	}
	var ops []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i := strings.Index(line, `"operation":"`); i >= 0 {
			ops = append(ops, strings.SplitN(line[i+13:], `"`, 2)[0])
		}
	}
	return ops
}

func TestDeleteDraftIsLoggedOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		d, err := f.svc.CreateDraft(f.ctx, zoe.ID, []LineInput{{Label: "Câble", Quantity: 2, UnitPriceCents: 750}}, "t")
		if err != nil {
			t.Fatal(err)
		}
		// Rolled back by an enclosing transaction: nothing logged, draft kept.
		boom := errors.New("boom")
		err = s.Tx(f.ctx, func(tx *store.Store) error {
			in := *f.svc
			in.Store = tx
			if err := in.DeleteDraft(f.ctx, d.ID, "tres"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled back delete: %v", err)
		}
		if _, err := s.InvoiceByID(f.ctx, d.ID); err != nil {
			t.Fatalf("draft gone after a rollback: %v", err)
		}
		if ops := f.logOps(); strings.Join(ops, " ") != "invoice.created" {
			t.Fatalf("log file after rollback: %v", ops)
		}
		if err := f.svc.DeleteDraft(f.ctx, d.ID, "tres"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.InvoiceByID(f.ctx, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("draft still there: %v", err)
		}
		entries, _ := s.LogEntries(f.ctx, 0, 100)
		last := entries[len(entries)-1]
		if last.Operation != "invoice.deleted" || last.AmountCents != -1500 || last.Actor != "tres" || *last.InvoiceID != d.ID {
			t.Fatalf("last log entry %+v", last)
		}
		if ops := f.logOps(); strings.Join(ops, " ") != "invoice.created invoice.deleted" {
			t.Fatalf("log file after delete: %v", ops)
		}
		// A validated invoice is never deleted.
		f.subscribe(zoe, f.offer("VPN", 1, 1000, 0), "2026-11-01")
		f.charge("2026-11-01")
		inv := f.invoices()[0]
		if err := f.svc.DeleteDraft(f.ctx, inv.ID, "tres"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleting a validated invoice: %v", err)
		}
	})
}

func TestCheckCredit(t *testing.T) {
	for _, c := range []struct {
		in        CreditInput
		field, id string
		wantCents int64
		wantClean bool
	}{
		{in: CreditInput{Amount: "12,50", Label: " Geste "}, wantCents: 1250, wantClean: true},
		{in: CreditInput{Amount: "0", Label: "x"}, field: "amount", id: "err.amount_positive"},
		{in: CreditInput{Amount: "-3", Label: "x"}, field: "amount", id: "err.amount_positive"},
		{in: CreditInput{Amount: "", Label: "x"}, field: "amount"},
		{in: CreditInput{Amount: "abc", Label: "x"}, field: "amount"},
		{in: CreditInput{Amount: "5", Label: "  "}, field: "label"},
		{in: CreditInput{Amount: "5", Label: strings.Repeat("é", 301)}, field: "label"},
	} {
		amount, label, errs := CheckCredit(c.in)
		if c.wantClean {
			if errs.Any() || amount != c.wantCents || label != "Geste" {
				t.Errorf("%+v: %d %q %v", c.in, amount, label, errs)
			}
			continue
		}
		if got := errs.Get(c.field); got == "" || (c.id != "" && got != c.id) {
			t.Errorf("%+v: %s error %q, want %q (%v)", c.in, c.field, got, c.id, errs)
		}
	}
}

// The monthly charge draws the PDF of a member with an active mandate
// with the debit wording, and keeps the transfer instructions for others.
func TestChargeDrawsDebitWordingForMandateMembers(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, func(c *config.Config) {
			c.SEPA = config.SEPA{CreditorName: "Rézo", CreditorID: "FR72ZZZ123456", CreditorIBAN: "FR7630006000011234567890189", LeadDays: 2}
		})
		zoe, leo := f.member("zoe"), f.member("leo")
		if err := s.CreateMandate(f.ctx, &store.Mandate{MemberID: zoe.ID, Reference: "RUM-ZOE", SignatureDate: date.MustParse("2026-01-02"),
			IBAN: "DE89370400440532013000", SequenceType: "FRST", Active: true}); err != nil {
			t.Fatal(err)
		}
		vpn := f.offer("VPN", 1, 600, 0)
		f.subscribe(zoe, vpn, "2026-11-01")
		f.subscribe(leo, vpn, "2026-11-01")
		f.charge("2026-11-01")
		texts := map[int64]string{}
		for _, inv := range f.invoices() {
			pdf, err := s.InvoicePDF(f.ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			texts[inv.MemberID] = pdftest.Words(t, pdf)
		}
		if z := texts[zoe.ID]; !strings.Contains(z, "•••• 3000") || !strings.Contains(z, "RUM-ZOE") ||
			!strings.Contains(z, "FR72ZZZ123456") || strings.Contains(z, "virement") {
			t.Errorf("zoe's invoice (mandate):\n%s", z)
		}
		if m := texts[leo.ID]; !strings.Contains(m, "par virement") || strings.Contains(m, "prélevé") {
			t.Errorf("leo's invoice (no mandate):\n%s", m)
		}
	})
}
