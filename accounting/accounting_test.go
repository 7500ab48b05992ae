package accounting_test

import (
	"bytes"
	"context"
	"encoding/csv"
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
	"coin/store"
	"coin/store/storetest"
)

func TestFECBalancesAndFollowsTheFormat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg := config.Default()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		bill := &billing.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m := &store.Member{Login: "zoe", Role: "member", PersonType: "natural", FirstName: "Zoé", LastName: "Pipe|Line",
			Email: "z@example.org", Status: "member"}
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		draft, err := bill.CreateDraft(ctx, m.ID, []billing.LineInput{
			{Label: "VPN", Quantity: 1, UnitPriceCents: 1000, TaxRateBP: 2000},
			{Label: "Câble", Quantity: 3, UnitPriceCents: 333, TaxRateBP: 550}}, "test")
		if err != nil {
			t.Fatal(err)
		}
		inv, err := bill.ValidateDraft(ctx, draft.ID, date.MustParse("2027-03-01"), "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bill.CreditNote(ctx, inv.ID, 500, "Geste", date.MustParse("2027-03-05"), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := bill.RecordPayment(ctx, &store.Payment{MemberID: m.ID, Method: "transfer", Date: date.MustParse("2027-03-10"),
			AmountCents: 1000, Label: "VIR ZOE"}, "test"); err != nil {
			t.Fatal(err)
		}
		fee := &store.Payment{MemberID: m.ID, Method: "transfer", Date: date.MustParse("2027-03-11"), AmountCents: 1500,
			Label: "ADH-1", BankReference: "B-77"}
		feeSvc := &fees.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: bill.Log}
		if err := s.Tx(ctx, func(tx *store.Store) error {
			if _, err := bill.RecordPaymentTx(ctx, tx, fee, billing.PaymentOptions{Unallocated: true}, "test"); err != nil {
				return err
			}
			_, err := feeSvc.RecordPaidTx(ctx, tx, fee, m, "transfer", nil, "test")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Outside the period: left out.
		if _, err := bill.RecordPayment(ctx, &store.Payment{MemberID: m.ID, Method: "cash", Date: date.MustParse("2027-04-01"),
			AmountCents: 100}, "test"); err != nil {
			t.Fatal(err)
		}

		svc := &accounting.Service{Store: s, Cfg: &cfg}
		from, to := date.MustParse("2027-03-01"), date.MustParse("2027-03-31")
		lines, err := svc.Entries(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		perEntry := map[string]int64{}
		var debit, credit int64
		for _, l := range lines {
			perEntry[l.Num] += l.Debit - l.Credit
			debit += l.Debit
			credit += l.Credit
		}
		for num, diff := range perEntry {
			if diff != 0 {
				t.Errorf("entry %s is off by %d cents", num, diff)
			}
		}
		if debit != credit || len(perEntry) != 4 {
			t.Fatalf("debit %d, credit %d, %d entries", debit, credit, len(perEntry))
		}
		// The invoice: 10.00 + 9.99 before tax, 2.00 + 0.55 VAT, 22.54 in
		// all; a 5.00 credit note split across the rates as 12.00 and 10.54
		// are: 2.66 (2.22 + 0.44 VAT at 20 %) and 2.34 (2.22 + 0.12 VAT at
		// 5.5 %); 10.00 paid; a 15.00 fee paid by bank.
		want := map[string]int64{"411": 2254 - 500 - 1000, "706": -1999 + 444, "44571": -255 + 56, "512": 1000 + 1500, "756": -1500}
		got := map[string]int64{}
		for _, l := range lines {
			got[l.Account] += l.Debit - l.Credit
		}
		for acc, v := range want {
			if got[acc] != v {
				t.Errorf("account %s: %d, want %d", acc, got[acc], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("accounts %v", got)
		}
		var buf bytes.Buffer
		if err := svc.WriteFEC(ctx, &buf, from, to); err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
		if rows[0] != "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise" {
			t.Fatalf("header %q", rows[0])
		}
		if len(rows) != len(lines)+1 {
			t.Fatalf("%d rows for %d lines", len(rows), len(lines))
		}
		for _, r := range rows[1:] {
			if n := len(strings.Split(r, "|")); n != 18 {
				t.Fatalf("%d fields in %q", n, r)
			}
		}
		if !strings.Contains(buf.String(), "VE|Ventes|VE2027-000001|20270301|411|Clients|zoe|Zoé Pipe Line|"+inv.Number+"|20270301|") ||
			!strings.Contains(buf.String(), "|22,54|0,00|") || !strings.Contains(buf.String(), "BQ|Banque|BQ2027-000002|20270311|756|Cotisations|||B-77|") {
			t.Fatalf("FEC:\n%s", buf.String())
		}

		buf.Reset()
		if err := svc.WriteCSV(ctx, &buf, from, to); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 5 || recs[1][0] != "invoice" || recs[2][0] != "credit_note" || recs[2][12] != inv.Number ||
			recs[4][0] != "fee" || recs[4][13] != "yes" || recs[4][11] != "B-77" || recs[1][14] != "VE2027-000001" {
			t.Fatalf("csv %v %q", err, recs)
		}
	})
}
