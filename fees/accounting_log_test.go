package fees_test

import (
	"coin/accountinglog"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/config"
	"coin/fees"
	"coin/i18n"
	"coin/store"
	"coin/store/storetest"
)

func TestFeeWritesAreInTheAccountingLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cfg := config.Default()
		cfg.Billing.AccountingLog = filepath.Join(t.TempDir(), "accounting.log")
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		st.SetHooks(store.Hooks{Logged: (&accountinglog.File{Path: cfg.Billing.AccountingLog, Currency: "EUR", Log: quiet}).Write})
		svc := &fees.Service{Store: st, Cfg: &cfg, Catalog: cat, Log: quiet}
		m := &store.Member{Login: "zoe", Role: "member", PersonType: "natural", FirstName: "Zoé", LastName: "L",
			Email: "z@example.org", Status: "member"}
		if err := st.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		fee, errs, err := svc.Record(ctx, m.ID, nil, "tres", &fees.Form{Amount: "15,00", StartDate: "2026-03-01",
			PaymentMethod: "check", PaymentDate: "2026-02-27", Reference: "CHQ 42"})
		if err != nil || errs.Any() {
			t.Fatalf("record: %v %v", errs, err)
		}
		// An overlapping fee is refused and logs nothing.
		if _, errs, err := svc.Record(ctx, m.ID, nil, "tres", &fees.Form{Amount: "15,00", StartDate: "2026-06-01", PaymentDate: "2026-05-30",
			PaymentMethod: "check"}); err != nil || errs.Get("start_date") != "fees.err_overlap" {
			t.Fatalf("overlap: %v %v", errs, err)
		}
		if err := svc.Delete(ctx, m.ID, fee.ID, "tres"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, m.ID, fee.ID, "tres"); err == nil {
			t.Fatal("deleted twice")
		}
		entries, err := st.LogEntries(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Operation != "membership_fee.created" || entries[0].AmountCents != 1500 ||
			entries[1].Operation != "membership_fee.deleted" || entries[1].AmountCents != -1500 ||
			entries[1].Actor != "tres" || *entries[1].MemberID != m.ID || !strings.Contains(entries[0].Details, "CHQ 42") {
			for _, e := range entries {
				t.Logf("%+v", e)
			}
			t.Fatalf("%d entries", len(entries))
		}
		file, err := os.ReadFile(cfg.Billing.AccountingLog)
		if err != nil || strings.Count(string(file), "\n") != 2 || !strings.Contains(string(file), `"operation":"membership_fee.deleted"`) {
			t.Fatalf("log file: %v\n%s", err, file)
		}
	})
}
