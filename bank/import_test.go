package bank_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"coin/accountinglog"
	"coin/fees"
	"coin/model"

	"golang.org/x/text/encoding/charmap"

	"coin/bank"
	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/store"
	"coin/store/storetest"
)

type fixture struct {
	t     testing.TB
	s     *store.Store
	cfg   *config.Config
	bill  *billing.Service
	bank  *bank.Service
	ctx   context.Context
	staff *store.Member
}

func newFixture(t testing.TB, s *store.Store) *fixture {
	cfg := config.Default()
	cfg.Billing.AccountingLog = filepath.Join(t.TempDir(), "accounting.log")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.SetHooks(store.Hooks{Logged: (&accountinglog.File{Path: cfg.Billing.AccountingLog, Currency: cfg.Billing.Currency, Log: log}).Write})
	bill := &billing.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log}
	f := &fixture{t: t, s: s, cfg: &cfg, bill: bill, ctx: context.Background(),
		bank: &bank.Service{Store: s, Cfg: &cfg, Billing: bill, Fees: &fees.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log}, Log: log}}
	f.staff = f.member("tresorier", "Trés", "Orier")
	return f
}

func (f *fixture) member(login, first, last string) *store.Member {
	f.t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: first,
		LastName: last, Email: login + "@example.org", Status: model.StatusMember}
	if err := f.s.CreateMember(f.ctx, m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

// invoice issues a validated one-line invoice.
func (f *fixture) invoice(m *store.Member, cents int64, day string) *store.Invoice {
	f.t.Helper()
	d, err := f.bill.CreateDraft(f.ctx, m.ID, []billing.LineInput{{Label: "VPN", Quantity: 1, UnitPriceCents: cents}}, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	inv, err := f.bill.ValidateDraft(f.ctx, d.ID, date.MustParse(day), "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}

// creditMutuel writes lines in Crédit Mutuel's export layout and encoding.
func creditMutuel(t testing.TB, rows ...string) []byte {
	body := "Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n" + strings.Join(rows, "\r\n") + "\r\n"
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportMatchesFixesAndConfirmsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		dupont := f.member("jdupont", "Jean", "Dupont")
		martin := f.member("cmartin", "Claire", "Martin")
		lefevre := f.member("elefevre", "Élodie", "Lefèvre")
		durand1 := f.member("pdurand", "Paul", "Durand")
		durand2 := f.member("pdurand2", "Paul", "Durand")
		bernard := f.member("sbernard", "Sophie", "Bernard")
		petit := f.member("mpetit", "Marc", "Petit")
		invMartin := f.invoice(martin, 3000, "2027-02-01")
		invLefevre := f.invoice(lefevre, 2000, "2027-02-01")
		invDurand1 := f.invoice(durand1, 2000, "2027-02-01")
		f.invoice(durand2, 2000, "2027-02-01")
		invBernard := f.invoice(bernard, 2500, "2027-02-01")
		offer := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 2500, Open: true}
		if err := s.CreateOffer(ctx, offer); err != nil {
			t.Fatal(err)
		}
		sub := &store.Subscription{MemberID: bernard.ID, OfferID: offer.ID, StartDate: date.MustParse("2027-01-01")}
		if err := s.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		running := &store.MembershipFee{MemberID: petit.ID, Amount: 1500, StartDate: date.MustParse("2026-07-01"),
			EndDate: date.MustParse("2027-06-30"), PaymentMethod: model.PayCash}
		if err := s.CreateMembershipFee(ctx, running); err != nil {
			t.Fatal(err)
		}

		data := creditMutuel(t,
			fmt.Sprintf("02/03/2027;02/03/2027;;15,00;VIR SEPA DUPONT JEAN ADH-%d;1 015,00", dupont.ID),
			fmt.Sprintf("03/03/2027;03/03/2027;;30,00;VIR SEPA MARTIN CLAIRE FACT %s;1 045,00", invMartin.Number),
			"03/03/2027;03/03/2027;-12,50;;PRLV SEPA OVH SAS;1 032,50",
			"04/03/2027;04/03/2027;;20,00;VIR DE MME LEFEVRE ELODIE LOYER;1 052,50",
			"04/03/2027;04/03/2027;;20,00;VIR M PAUL DURAND;1 072,50",
			"05/03/2027;05/03/2027;;1 200,00;VIR SEPA SUBVENTION COMMUNE;2 272,50",
			fmt.Sprintf("05/03/2027;05/03/2027;;40,00;VIR BERNARD S VPN %d;2 312,50", sub.ID),
			fmt.Sprintf("06/03/2027;06/03/2027;;15,00;COTISATION ADH %d PETIT;2 327,50", petit.ID),
		)
		imp, lines, err := f.bank.Preview(ctx, "releve.csv", "credit_mutuel", data, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		type exp struct {
			result, target, reason string
			member                 *store.Member
			invoice                *store.Invoice
			candidates             int
		}
		wants := []exp{
			{model.LineMatched, model.TargetFee, bank.ByMembership, dupont, nil, 0},
			{model.LineMatched, model.TargetInvoice, bank.ByInvoiceNumber, martin, invMartin, 0},
			{model.LineIgnored, "", "", nil, nil, 0},
			{model.LineMatched, model.TargetInvoice, bank.ByAmountName, lefevre, invLefevre, 0},
			{model.LineAmbiguous, "", bank.ByAmountName, nil, nil, 2},
			{model.LineUnmatched, "", "", nil, nil, 0},
			{model.LineMatched, model.TargetCredit, bank.BySubscription, bernard, nil, 0},
			{model.LineMatched, model.TargetFee, bank.ByMembership, petit, nil, 0},
		}
		for i, w := range wants {
			l := lines[i]
			if l.Result != w.result || l.Target != w.target || l.Reason != w.reason || len(l.Candidates) != w.candidates ||
				(w.member == nil) != (l.MemberID == nil) || (w.member != nil && *l.MemberID != w.member.ID) ||
				(w.invoice == nil) != (l.InvoiceID == nil) || (w.invoice != nil && *l.InvoiceID != w.invoice.ID) {
				t.Errorf("line %d %q: got %s %s %s member %v invoice %v candidates %v, want %+v", i+1, l.Label,
					l.Result, l.Target, l.Reason, l.MemberID, l.InvoiceID, l.Candidates, w)
			}
		}

		// The treasurer settles the ambiguous line by hand; a wrong fix is refused.
		if _, err := f.bank.FixLine(ctx, imp.ID, 5, bank.Fix{MemberID: durand2.ID, Target: model.TargetInvoice, InvoiceID: invDurand1.ID}); !errors.Is(err, bank.ErrBadFix) {
			t.Fatalf("invoice of another member accepted: %v", err)
		}
		if _, err := f.bank.FixLine(ctx, imp.ID, 3, bank.Fix{MemberID: durand1.ID, Target: model.TargetCredit}); !errors.Is(err, bank.ErrBadFix) {
			t.Fatalf("a debit matched by hand: %v", err)
		}
		fixed, err := f.bank.FixLine(ctx, imp.ID, 5, bank.Fix{MemberID: durand1.ID, Target: model.TargetInvoice, InvoiceID: invDurand1.ID})
		if err != nil || fixed.Result != model.LineMatched || fixed.Reason != bank.ByHand || fixed.InvoiceNumber != invDurand1.Number {
			t.Fatalf("fix: %v %+v", err, fixed)
		}

		sum, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Payments != 6 || sum.Fees != 2 || sum.LeftOut != 1 || sum.Ignored != 1 || sum.Duplicates != 0 || sum.TotalCents != 14000 {
			t.Fatalf("summary %+v", sum)
		}
		for _, inv := range []*store.Invoice{invMartin, invLefevre, invDurand1, invBernard} {
			got, _ := s.InvoiceByID(ctx, inv.ID)
			if got.Remaining() != 0 {
				t.Errorf("invoice %s still owes %d", got.Number, got.Remaining())
			}
		}
		// Fee payers hold no credit; Bernard's 15.00 beyond the invoice is credit.
		for m, credit := range map[*store.Member]int64{dupont: 0, petit: 0, bernard: 1500} {
			b, err := s.MemberBalance(ctx, m.ID)
			if err != nil || b.CreditCents != credit || b.OwedCents != 0 {
				t.Errorf("balance of %s: %+v %v, want credit %d", m.Login, b, err, credit)
			}
		}
		fees, _ := s.MembershipFeesOfMember(ctx, petit.ID)
		if len(fees) != 2 || fees[0].StartDate.String() != "2027-07-01" || fees[0].EndDate.String() != "2028-06-30" ||
			fees[0].PaymentID == nil || fees[0].Amount != 1500 || fees[0].Reference != fmt.Sprintf("ADH-%d", petit.ID) {
			t.Fatalf("petit's fees: %+v", fees[0])
		}
		fees, _ = s.MembershipFeesOfMember(ctx, dupont.ID)
		if len(fees) != 1 || fees[0].StartDate.String() != "2027-03-02" {
			t.Fatalf("dupont's fee: %+v", fees)
		}
		if _, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff)); !errors.Is(err, bank.ErrNotPending) {
			t.Fatalf("confirmed twice: %v", err)
		}

		// The same file again: what was imported is recognised, nothing doubles.
		imp2, lines2, err := f.bank.Preview(ctx, "releve.csv", "credit_mutuel", data, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range lines2 {
			want := model.LineDuplicate
			switch i + 1 {
			case 3:
				want = model.LineIgnored
			case 6:
				want = model.LineUnmatched
			}
			if l.Result != want {
				t.Errorf("again, line %d: %s, want %s", i+1, l.Result, want)
			}
		}
		sum2, err := f.bank.Confirm(ctx, imp2.ID, bank.ActorOf(f.staff))
		if err != nil || sum2.Payments != 0 || sum2.Duplicates != 6 {
			t.Fatalf("second import: %+v %v", sum2, err)
		}
		ps, n, _, _ := s.ListPayments(ctx, store.PaymentFilter{})
		if n != 6 || len(ps) != 6 {
			t.Fatalf("%d payments after two imports", n)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		a := f.member("alice", "Alice", "Aubert")
		b := f.member("bruno", "Bruno", "Blanc")
		inv := f.invoice(a, 2000, "2027-01-10")
		data := creditMutuel(t,
			fmt.Sprintf("02/03/2027;02/03/2027;;15,00;ADH-%d;1,00", b.ID),
			fmt.Sprintf("03/03/2027;03/03/2027;;20,00;VIR %s;1,00", inv.Number))
		imp, _, err := f.bank.Preview(ctx, "x.csv", "credit_mutuel", data, &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The database refuses the second line's allocation: the first
		// line's payment and fee must go too.
		refuse, allow := []string{`CREATE TRIGGER refuse BEFORE INSERT ON allocations BEGIN SELECT RAISE(ABORT, 'refused'); END`},
			[]string{`DROP TRIGGER refuse`}
		if s.Dialect() == store.Postgres {
			refuse = []string{`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
				`CREATE TRIGGER refuse BEFORE INSERT ON allocations FOR EACH ROW EXECUTE FUNCTION refuse()`}
			allow = []string{`DROP TRIGGER refuse ON allocations`}
		}
		for _, q := range refuse {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff)); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("confirm: %v", err)
		}
		if _, n, _, _ := s.ListPayments(ctx, store.PaymentFilter{}); n != 0 {
			t.Fatalf("%d payments written by a failed import", n)
		}
		if fees, _ := s.MembershipFeesOfMember(ctx, b.ID); len(fees) != 0 {
			t.Fatal("fee written by a failed import")
		}
		if got, _ := s.BankImportByID(ctx, imp.ID); got.Status != model.ImportPending {
			t.Fatalf("failed import marked %s", got.Status)
		}
		for _, q := range allow {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if sum, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff)); err != nil || sum.Payments != 2 {
			t.Fatalf("confirm after the refusal: %+v %v", sum, err)
		}
		if got, _ := s.InvoiceByID(ctx, inv.ID); got.Remaining() != 0 {
			t.Fatal("invoice not settled")
		}
		imp, _, err = f.bank.Preview(ctx, "y.csv", "credit_mutuel", creditMutuel(t, "04/03/2027;04/03/2027;;9,00;DON;1,00"), &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		// An expired preview cannot be confirmed.
		s.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		if _, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff)); !errors.Is(err, bank.ErrExpired) {
			t.Fatalf("expired import: %v", err)
		}
	})
}

func TestCAMTReferencesAndHandTypedPaymentsAreNotImportedTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		a := f.member("alice", "Alice", "Aubert")
		// A payment typed by hand with the bank's reference of the entry.
		if err := s.CreatePayment(ctx, &store.Payment{MemberID: a.ID, Method: "transfer", Date: date.MustParse("2027-03-11"),
			AmountCents: 1500, BankReference: "REF-1"}); err != nil {
			t.Fatal(err)
		}
		camt := func(entries ...string) []byte {
			return []byte(`<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.05"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>` +
				strings.Join(entries, "") + `</Stmt></BkToCstmrStmt></Document>`)
		}
		entry := func(ref, amount, text string) string {
			return `<Ntry><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt><AcctSvcrRef>` +
				ref + `</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>` + text + `</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`
		}
		adh := fmt.Sprintf("ADH-%d", a.ID)
		imp, lines, err := f.bank.Preview(ctx, "a.xml", bank.FormatCAMT053, camt(entry("REF-1", "15.00", adh), entry("REF-2", "15.00", adh), entry("REF-2", "15.00", adh)), &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lines[0].Result != model.LineDuplicate || lines[1].Result != model.LineMatched || lines[2].Result != model.LineDuplicate {
			t.Fatalf("results %s %s %s", lines[0].Result, lines[1].Result, lines[2].Result)
		}
		// Two previews of overlapping statements confirmed one after the
		// other: the second skips what the first imported.
		imp2, _, err := f.bank.Preview(ctx, "b.xml", bank.FormatCAMT053, camt(entry("REF-2", "15.00", adh)), &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum, err := f.bank.Confirm(ctx, imp.ID, bank.ActorOf(f.staff)); err != nil || sum.Payments != 1 {
			t.Fatalf("first: %+v %v", sum, err)
		}
		if sum, err := f.bank.Confirm(ctx, imp2.ID, bank.ActorOf(f.staff)); err != nil || sum.Payments != 0 || sum.Duplicates != 1 {
			t.Fatalf("second: %+v %v", sum, err)
		}
		p, _, _, _ := s.ListPayments(ctx, store.PaymentFilter{Search: adh})
		if len(p) != 1 || p[0].BankReference != "REF-2" {
			t.Fatalf("payments %+v", p)
		}
	})
}

func TestMatchingRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		anne := f.member("anne", "Anne-Marie", "Gérard")
		luc := f.member("luc", "Luc", "Perrin")
		org := &store.Member{Login: "asso", Role: model.RoleMember, PersonType: model.LegalPerson, OrganizationName: "Les Amis du Réseau",
			Email: "asso@example.org", Status: model.StatusMember}
		if err := s.CreateMember(ctx, org); err != nil {
			t.Fatal(err)
		}
		paid := f.invoice(luc, 1200, "2027-01-05")
		if _, err := f.bill.RecordPayment(ctx, &store.Payment{MemberID: luc.ID, Method: "cash", Date: date.MustParse("2027-01-06"), AmountCents: 1200}, "t"); err != nil {
			t.Fatal(err)
		}
		orgInv := f.invoice(org, 4800, "2027-01-05")
		line := func(label, counterparty string, cents int64) bank.Line {
			return bank.Line{Date: date.MustParse("2027-03-01"), AmountCents: cents, Label: label, Counterparty: counterparty,
				Method: bank.MethodTransfer, Hash: label}
		}
		got, err := f.bank.Match(ctx, []bank.Line{
			line(fmt.Sprintf("COTIS ADH %d", anne.ID), "", 1500),                             // separators changed by the bank
			line(fmt.Sprintf("adh%d", anne.ID), "", 1500),                                    // glued, lower case
			line(fmt.Sprintf("ADH-%d ADH-%d", anne.ID, luc.ID), "", 3000),                    // two members
			line("FACTURE "+paid.Number, "", 1200),                                           // an invoice already paid
			line("VIREMENT", "MME ANNE MARIE GERARD", 1500),                                  // name in the debtor, amount of the fee
			line("VIREMENT GERARD ANNE-MARIE", "", 999),                                      // name, amount fitting nothing
			line("VIR LES AMIS DU RESEAU", "", 4800),                                         // an organisation, invoice amount
			line(fmt.Sprintf("ADH-%d0", anne.ID), "", 1500),                                  // another number: nobody
			line(fmt.Sprintf("REF %s", strings.ReplaceAll(orgInv.Number, "-", "")), "", 100), // invoice number without its dash
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			result, target, reason string
			member                 *store.Member
		}{
			{model.LineMatched, model.TargetFee, bank.ByMembership, anne},
			{model.LineMatched, model.TargetFee, bank.ByMembership, anne},
			{model.LineAmbiguous, "", "references", nil},
			{model.LineMatched, model.TargetCredit, bank.ByInvoiceNumber, luc},
			{model.LineMatched, model.TargetFee, bank.ByAmountName, anne},
			{model.LineAmbiguous, "", bank.ByName, nil},
			{model.LineMatched, model.TargetInvoice, bank.ByAmountName, org},
			{model.LineUnmatched, "", "", nil},
			{model.LineMatched, model.TargetInvoice, bank.ByInvoiceNumber, org},
		}
		for i, w := range want {
			l := got[i]
			if l.Result != w.result || l.Target != w.target || l.Reason != w.reason ||
				(w.member == nil) != (l.MemberID == nil) || (w.member != nil && *l.MemberID != w.member.ID) {
				t.Errorf("line %d %q: %s %s %s %v, want %+v", i+1, l.Label, l.Result, l.Target, l.Reason, l.MemberID, w)
			}
		}
		if got[6].MemberName != "Les Amis du Réseau" || got[6].InvoiceNumber != orgInv.Number {
			t.Errorf("names for the preview: %q %q", got[6].MemberName, got[6].InvoiceNumber)
		}
		if len(got[2].Candidates) != 2 || len(got[5].Candidates) != 1 {
			t.Errorf("candidates %v %v", got[2].Candidates, got[5].Candidates)
		}
	})
}

// A label longer than a payment's 500 bytes is cut between characters:
// never in the middle of an accented letter (PostgreSQL refuses invalid
// UTF-8, SQLite would keep it).
func TestLongLabelIsCutBetweenCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		var rows, labels []string
		for i, n := range []int{501, 502, 503} {
			m := f.member(fmt.Sprintf("long%d", n), "Long", fmt.Sprintf("Label%d", n))
			head := fmt.Sprintf("ADH-%d ", m.ID)
			label := head + strings.Repeat("x", n-len(head)-len("éé")) + "éé"
			if len(label) != n {
				t.Fatalf("label of %d bytes", len(label))
			}
			labels = append(labels, label)
			rows = append(rows, fmt.Sprintf("0%d/03/2027;0%d/03/2027;;15,00;%s;1,00", i+2, i+2, label))
		}
		imp, _, err := f.bank.Preview(f.ctx, "long.csv", "credit_mutuel", creditMutuel(t, rows...), &f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum, err := f.bank.Confirm(f.ctx, imp.ID, bank.ActorOf(f.staff)); err != nil || sum.Payments != 3 {
			t.Fatalf("confirm: %+v %v", sum, err)
		}
		ps, _, _, err := s.ListPayments(f.ctx, store.PaymentFilter{})
		if err != nil || len(ps) != 3 {
			t.Fatalf("payments: %d %v", len(ps), err)
		}
		for _, p := range ps {
			if !utf8.ValidString(p.Label) || len(p.Label) > 500 || len(p.Label) < 499 {
				t.Errorf("label of %d bytes, valid UTF-8 %v: …%q", len(p.Label), utf8.ValidString(p.Label), p.Label[max(0, len(p.Label)-6):])
				continue
			}
			ok := false
			for _, l := range labels {
				ok = ok || strings.HasPrefix(l, p.Label)
			}
			if !ok {
				t.Errorf("label %q is not the start of the bank's", p.Label)
			}
		}
	})
}
