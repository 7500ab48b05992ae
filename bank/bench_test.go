package bank_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"coin/bank"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// benchSetup fills a fresh SQLite database with n members, each with a fee
// ending this year and an open invoice, and writes a statement of n credit
// lines paying them: 40 % quote an invoice number, 30 % a membership
// reference, 20 % only the payer's name with the invoice's amount, 10 %
// nobody known.
func benchSetup(b *testing.B, n int) (*fixture, []byte) {
	s := storetest.SQLite(b)
	f := newFixture(b, s)
	ctx := f.ctx
	var rows []string
	err := s.Tx(ctx, func(tx *store.Store) error {
		for i := 0; i < n; i++ {
			m := &store.Member{Login: fmt.Sprintf("m%05d", i), Role: model.RoleMember, PersonType: model.NaturalPerson,
				FirstName: "Prénom" + letters(i), LastName: "Nom" + letters(i*7+3), Email: fmt.Sprintf("m%d@example.org", i),
				Status: model.StatusMember}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			if err := tx.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: m.ID, Amount: 1500,
				StartDate: date.MustParse("2026-03-01"), EndDate: date.MustParse("2027-02-28")}); err != nil {
				return err
			}
			amount := int64(1000 + i%40*50)
			inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
			if err := tx.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: amount, AmountCents: amount}}); err != nil {
				return err
			}
			inv.Number, inv.IssueDate, inv.DueDate = fmt.Sprintf("2027-%06d", i+1), date.MustParse("2027-02-01"), date.MustParse("2027-03-03")
			if err := tx.ValidateInvoice(ctx, inv, nil); err != nil {
				return err
			}
			day := fmt.Sprintf("%02d/03/2027", 1+i%28)
			switch i % 10 {
			case 0, 1, 2, 3:
				rows = append(rows, fmt.Sprintf("%s;%s;;%s;VIR SEPA %s %s FACTURE %s;0,00", day, day, cents(amount), strings.ToUpper(m.LastName), strings.ToUpper(m.FirstName), inv.Number))
			case 4, 5, 6:
				rows = append(rows, fmt.Sprintf("%s;%s;;15,00;VIR %s ADH-%d COTISATION;0,00", day, day, strings.ToUpper(m.FirstName+" "+m.LastName), m.ID))
			case 7, 8:
				rows = append(rows, fmt.Sprintf("%s;%s;;%s;VIREMENT DE M %s %s;0,00", day, day, cents(amount), strings.ToUpper(m.FirstName), strings.ToUpper(m.LastName)))
			default:
				rows = append(rows, fmt.Sprintf("%s;%s;;%s;VIR INCONNU %d;0,00", day, day, cents(amount), i))
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return f, creditMutuel(b, rows...)
}

// letters spells n in letters, so that names are words, not numbers.
func letters(n int) string {
	var sb strings.Builder
	for {
		sb.WriteByte(byte('a' + n%26))
		n /= 26
		if n == 0 {
			return sb.String()
		}
	}
}

func cents(c int64) string { return fmt.Sprintf("%d,%02d", c/100, c%100) }

// BenchmarkImport10k imports a statement of 10 000 credit lines against
// 10 000 members with fees and invoices on SQLite: parse, match, keep the
// preview, confirm (10 000 payments, their allocations or fees, the lines
// recorded, the accounting log) in one transaction. Baselines in the same
// process: parsing alone, and inserting 10 000 bare payment rows in one
// transaction.
func BenchmarkImport10k(b *testing.B) {
	const n = 10_000
	b.Run("baseline-parse", func(b *testing.B) {
		f, data := benchSetup(b, 100)
		rows := strings.Repeat(strings.SplitN(string(data), "\r\n", 3)[1]+"\r\n", n)
		data = append([]byte(strings.SplitN(string(data), "\r\n", 2)[0]+"\r\n"), rows...)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := f.bank.Parse(data, "credit_mutuel"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-insert-payments", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			f, _ := benchSetup(b, n)
			b.StartTimer()
			err := f.s.Tx(f.ctx, func(tx *store.Store) error {
				for k := 0; k < n; k++ {
					if err := tx.CreatePayment(f.ctx, &store.Payment{MemberID: int64(2 + k), Method: "transfer",
						Date: date.MustParse("2027-03-01"), AmountCents: 1500, Label: "VIR"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("import", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			f, data := benchSetup(b, n)
			b.StartTimer()
			start := time.Now()
			imp, lines, err := f.bank.Preview(f.ctx, "bench.csv", "credit_mutuel", data, &f.staff.ID)
			if err != nil {
				b.Fatal(err)
			}
			previewed := time.Now()
			sum, err := f.bank.Confirm(f.ctx, imp.ID, bank.ActorOf(f.staff))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(previewed.Sub(start).Milliseconds()), "preview-ms")
			b.ReportMetric(float64(time.Since(previewed).Milliseconds()), "confirm-ms")
			if len(lines) != n || sum.Payments != n*9/10 || sum.Fees != n*3/10 {
				b.Fatalf("%d lines, %+v", len(lines), sum)
			}
		}
	})
}
