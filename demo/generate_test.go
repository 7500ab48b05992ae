package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"coin/accountinglog"
	"coin/bank"
	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/i18n"
	"coin/ipam"
	"coin/ispdb"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// services assembles what Generate writes through, as cli/app.go does.
func services(t testing.TB, s *store.Store) Services {
	t.Helper()
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
	alloc, err := ipam.New(s, &cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	bill := &billing.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log,
		Identity: func(context.Context) ispdb.Identity { return ispdb.Identity{Name: "Traboule"} }}
	return Services{Store: s, Cfg: &cfg, Billing: bill, IPAM: alloc, Log: log,
		Bank: &bank.Service{Store: s, Cfg: &cfg, Billing: bill, Fees: &fees.Service{Store: s, Cfg: &cfg, Catalog: cat, Log: log}, Log: log}}
}

// snapshot is what two runs with the same seed must share.
type snapshot struct {
	logins   []string
	invoices []string // number, member, total
	payments string   // count and sum
}

func takeSnapshot(t *testing.T, s *store.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	var snap snapshot
	members, _, err := s.ListMembers(ctx, store.MemberFilter{Sort: "login"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		snap.logins = append(snap.logins, m.Login)
	}
	sort.Strings(snap.logins)
	invs, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		snap.invoices = append(snap.invoices, fmt.Sprintf("%s %s %d %d", inv.Number, inv.MemberLogin, inv.TotalCents, inv.PaidCents))
	}
	sort.Strings(snap.invoices)
	_, n, sum, err := s.ListPayments(ctx, store.PaymentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	snap.payments = fmt.Sprintf("%d payments, %d cents", n, sum)
	return snap
}

// TestGenerateHistory generates 200 members over 3 months twice with the
// same seed, on two fresh databases of each dialect: the counts are what
// Generate says and what a history of that size should hold, the two runs
// give the same data, and the invoice numbers have no gap.
func TestGenerateHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		opts := Options{Members: 200, Months: 3, Seed: 7, Today: date.MustParse("2026-06-15")}
		st, err := Generate(ctx, services(t, s), opts)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.CountMembers(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if n != 204 || st.Members != 204 {
			t.Errorf("%d members (stats: %d), want 200 and the 4 demo accounts", n, st.Members)
		}
		legal, accented := 0, 0
		members, _, _ := s.ListMembers(ctx, store.MemberFilter{})
		for _, m := range members {
			if m.PersonType == model.LegalPerson {
				legal++
			}
			if strings.ContainsAny(m.FirstName+m.LastName, "éèëïôüçÉ") {
				accented++
			}
		}
		if legal < 5 || accented < 20 {
			t.Errorf("%d legal persons and %d accented names among 204 members", legal, accented)
		}
		_, subs, err := s.ListSubscriptions(ctx, store.SubscriptionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if subs != st.Subscriptions || subs < 150 {
			t.Errorf("%d subscriptions (stats: %d)", subs, st.Subscriptions)
		}
		invs, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice})
		if err != nil {
			t.Fatal(err)
		}
		if len(invs) != st.Invoices || len(invs) < 3*100 {
			t.Errorf("%d invoices (stats: %d), want at least 100 a month", len(invs), st.Invoices)
		}
		months := map[string]int{}
		open := 0
		for _, inv := range invs {
			months[inv.IssueDate.String()]++
			if inv.PaidCents < inv.TotalCents {
				open++
			}
		}
		if len(months) != 3 || months["2026-04-01"] == 0 || months["2026-06-01"] == 0 {
			t.Errorf("invoices by issue day: %v", months)
		}
		if open == 0 || open > len(invs)/10 {
			t.Errorf("%d of %d invoices left unpaid, want a few percent", open, len(invs))
		}
		_, payments, _, err := s.ListPayments(ctx, store.PaymentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if payments != st.Payments || payments != len(invs)-open || st.BankLines < payments/2 {
			t.Errorf("%d payments (stats: %d, %d from bank statements) for %d paid invoices", payments, st.Payments, st.BankLines, len(invs)-open)
		}
		if st.Mandates == 0 || st.Loans == 0 || st.ListSubscriptions == 0 || st.Allocations < subs/2 {
			t.Errorf("stats: %+v", st)
		}
		// Invoice numbers: one sequence per prefix, from 1, without a gap.
		seqs := map[string][]int{}
		for _, inv := range invs {
			i := strings.LastIndex(inv.Number, "-")
			k, err := strconv.Atoi(inv.Number[i+1:])
			if err != nil {
				t.Fatalf("invoice number %q", inv.Number)
			}
			seqs[inv.Number[:i]] = append(seqs[inv.Number[:i]], k)
		}
		for prefix, list := range seqs {
			sort.Ints(list)
			for i, k := range list {
				if k != i+1 {
					t.Fatalf("invoice numbers %s-…: %d at position %d (a gap or a double)", prefix, k, i+1)
				}
			}
		}

		// The same seed on a fresh database gives the same history.
		var other *store.Store
		if strings.HasSuffix(t.Name(), "postgres") {
			other = storetest.Postgres(t)
		} else {
			other = storetest.SQLite(t)
		}
		if _, err := Generate(ctx, services(t, other), opts); err != nil {
			t.Fatal(err)
		}
		a, b := takeSnapshot(t, s), takeSnapshot(t, other)
		if strings.Join(a.logins, ",") != strings.Join(b.logins, ",") {
			t.Errorf("member logins differ between two runs with the same seed")
		}
		if strings.Join(a.invoices, "\n") != strings.Join(b.invoices, "\n") {
			t.Errorf("invoices differ between two runs with the same seed")
		}
		if a.payments != b.payments {
			t.Errorf("payments differ: %s, then %s", a.payments, b.payments)
		}
	})
}

// BenchmarkGenerate builds a history of 1 000 members over 2 months on
// SQLite: go test ./demo -run X -bench Generate -benchtime 1x -cpuprofile cpu.out
// tells where a big history spends its time.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := storetest.SQLite(b)
		sv := services(b, s)
		b.StartTimer()
		if _, err := Generate(context.Background(), sv, Options{Members: 1000, Months: 2, Seed: 1, Today: date.MustParse("2026-06-15")}); err != nil {
			b.Fatal(err)
		}
	}
}
