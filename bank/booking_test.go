package bank_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"coin/accounting"
	"coin/bank"
	"coin/date"
	"coin/entries"
	"coin/ledger"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// A donation and a bank fee booked from the preview become balanced
// entries of the bank journal, in the FEC with numbers that a later
// import does not move; the bank lines keep their entries; unbooked
// debits stay ignored; a closed period refuses the whole import.
func TestBookedLinesReachTheFECWithStableNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		donor := f.member("gdonateur", "Gaston", "Donateur")
		data := creditMutuel(t,
			"02/03/2025;02/03/2025;;50,00;VIR SEPA UN AMI DON;1 050,00",
			"03/03/2025;03/03/2025;-4,20;;FRAIS TENUE DE COMPTE;1 045,80",
			"04/03/2025;04/03/2025;-120,00;;PRLV SEPA TRANSIT SARL;925,80",
			"05/03/2025;05/03/2025;;25,00;VIR SEPA GASTON DONATEUR SOUTIEN;950,80",
		)
		imp, lines, err := f.bank.Preview(ctx, "releve.csv", "credit_mutuel", data, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lines[1].Result != model.LineIgnored {
			t.Fatalf("debit read as %s", lines[1].Result)
		}
		// A debit cannot be a donation, a credit cannot be bank fees.
		if _, err := f.bank.BookLine(ctx, imp.ID, 2, store.BankBooking{Kind: store.OtherDonation}); !errors.Is(err, bank.ErrBadBooking) {
			t.Fatalf("debit booked as a donation: %v", err)
		}
		if _, err := f.bank.BookLine(ctx, imp.ID, 1, store.BankBooking{Kind: store.OtherBankFees}); !errors.Is(err, bank.ErrBadBooking) {
			t.Fatalf("credit booked as bank fees: %v", err)
		}
		if _, err := f.bank.BookLine(ctx, imp.ID, 1, store.BankBooking{Kind: store.OtherDonation, Account: "75 41"}); !errors.Is(err, entries.ErrInvalid) {
			t.Fatalf("bad account accepted: %v", err)
		}
		l, err := f.bank.BookLine(ctx, imp.ID, 1, store.BankBooking{Kind: store.OtherDonation, DonorName: "Un Ami",
			DonorAddress: "1 rue de la Paix\n75002 Paris"})
		if err != nil {
			t.Fatal(err)
		}
		if l.Booking == nil || l.Booking.Account != "7541" {
			t.Fatalf("booking %+v: want the donations account by default", l.Booking)
		}
		if _, err := f.bank.BookLine(ctx, imp.ID, 2, store.BankBooking{Kind: store.OtherBankFees}); err != nil {
			t.Fatal(err)
		}
		// Line 4 is a member's name: booked as his donation, it pays nothing.
		if _, err := f.bank.BookLine(ctx, imp.ID, 4, store.BankBooking{Kind: store.OtherDonation, DonorMemberID: &donor.ID}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.bank.Confirm(ctx, imp.ID, bank.Actor{ID: &f.staff.ID, Name: "tresorier"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Booked != 3 || sum.Ignored != 1 || sum.Payments != 0 {
			t.Fatalf("summary %+v: want 3 booked, the transit debit ignored, no payment", sum)
		}
		var linked int
		if err := s.DB().QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM bank_lines b JOIN journal_entries j ON j.id = b.journal_entry_id
			WHERE b.import_id = %d`, imp.ID)).Scan(&linked); err != nil {
			t.Fatal(err)
		}
		if linked != 3 {
			t.Fatalf("%d bank lines linked to their entries, want 3", linked)
		}
		acc := &accounting.Service{Store: s, Cfg: f.cfg, Catalog: f.bill.Catalog}
		fec := func() string {
			var buf bytes.Buffer
			if err := acc.WriteFEC(ctx, &buf, date.MustParse("2025-01-01"), date.MustParse("2025-12-31")); err != nil {
				t.Fatal(err)
			}
			return buf.String()
		}
		before := fec()
		for _, want := range []string{"|7541|", "|627|", "|512|", "BQ2025-000001", "BQ2025-000002", "BQ2025-000003", "4,20", "50,00"} {
			if !strings.Contains(before, want) {
				t.Errorf("FEC lacks %q:\n%s", want, before)
			}
		}
		if strings.Contains(before, "TRANSIT") {
			t.Errorf("the unbooked debit is in the FEC:\n%s", before)
		}
		ents, err := acc.Entries(ctx, date.MustParse("2025-01-01"), date.MustParse("2025-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		bal := map[string]int64{}
		for _, e := range ents {
			bal[e.Num] += e.Debit - e.Credit
		}
		if len(bal) != 3 {
			t.Fatalf("%d entries, want 3", len(bal))
		}
		for n, d := range bal {
			if d != 0 {
				t.Errorf("entry %s off by %d", n, d)
			}
		}
		// Importing the transit bill later, booked, takes the next number:
		// the others keep theirs.
		imp2, _, err := f.bank.Preview(ctx, "releve2.csv", "credit_mutuel", data, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.bank.BookLine(ctx, imp2.ID, 3, store.BankBooking{Kind: store.OtherExpense, Account: "626",
			Label: "Transit mars", Counterparty: "Transit SARL"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.bank.BookLine(ctx, imp2.ID, 1, store.BankBooking{Kind: store.OtherDonation}); !errors.Is(err, bank.ErrBadBooking) {
			t.Fatalf("a line imported before was booked again: %v", err)
		}
		if sum, err := f.bank.Confirm(ctx, imp2.ID, bank.Actor{Name: "cli"}); err != nil || sum.Booked != 1 || sum.Duplicates != 3 {
			t.Fatalf("second import: %+v, %v", sum, err)
		}
		after := fec()
		if !strings.HasPrefix(after, before) && !strings.Contains(after, strings.SplitN(before, "\n", 2)[1]) {
			t.Errorf("entries moved:\nbefore\n%s\nafter\n%s", before, after)
		}
		if !strings.Contains(after, "BQ2025-000004") || !strings.Contains(after, "|626|") {
			t.Errorf("the transit bill is not BQ2025-000004 on 626:\n%s", after)
		}

		// A closed period refuses a booked line, and nothing is written.
		if _, err := (ledger.New(f.cfg, f.bill.Catalog)).Close(ctx, s, "2025", "test"); err != nil {
			t.Fatal(err)
		}
		data3 := creditMutuel(t, "10/06/2025;10/06/2025;;10,00;VIR DON ANONYME;960,80")
		imp3, _, err := f.bank.Preview(ctx, "releve3.csv", "credit_mutuel", data3, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.bank.BookLine(ctx, imp3.ID, 1, store.BankBooking{Kind: store.OtherDonation}); err != nil {
			t.Fatal(err)
		}
		_, err = f.bank.Confirm(ctx, imp3.ID, bank.Actor{Name: "cli"})
		var closed *ledger.ClosedError
		if !errors.As(err, &closed) || closed.Period != "2025" {
			t.Fatalf("confirm into a closed year: %v", err)
		}
		if got := fec(); got != after {
			t.Errorf("a refused import wrote to the books")
		}
	})
}
