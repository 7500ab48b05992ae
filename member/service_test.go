package member_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/accountinglog"
	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/member"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func newService(t *testing.T, st *store.Store) (*member.Service, *fees.Service, string) {
	cfg := config.Default()
	path := filepath.Join(t.TempDir(), "accounting.log")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st.SetHooks(store.Hooks{Logged: (&accountinglog.File{Path: path, Currency: "EUR", Log: quiet}).Write})
	fs := &fees.Service{Store: st, Cfg: &cfg, Log: quiet}
	return &member.Service{Store: st, Fees: fs, Log: quiet}, fs, path
}

func TestCreateUpdateAndLoginTaken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc, _, _ := newService(t, st)
		f := member.Form{Login: "Zoé.L", PersonType: "natural", FirstName: "Zoé", LastName: "Lune",
			Email: "zoe@example.org", Status: "member", DateJoined: "2026-01-15"}
		if _, errs, _ := svc.Create(ctx, f, member.Staff, nil); errs.Get("login") == "" {
			t.Fatalf("a login with an accent was accepted: %v", errs)
		}
		f.Login = "zoe.l"
		m, errs, err := svc.Create(ctx, f, member.Staff, nil)
		if err != nil || errs.Any() {
			t.Fatalf("create: %v %v", errs, err)
		}
		if _, errs, err := svc.Create(ctx, f, member.Staff, nil); err != nil || errs.Get("login") != "err.login_taken" {
			t.Fatalf("same login twice: %v %v", errs, err)
		}
		f.City = "Besançon"
		if errs, err := svc.Update(ctx, m, f, member.Staff); err != nil || errs.Any() {
			t.Fatalf("update: %v %v", errs, err)
		}
		f.Email = "not an address"
		if errs, _ := svc.Update(ctx, m, f, member.Staff); errs.Get("email") == "" {
			t.Fatal("a bad address was saved")
		}
		got, _ := st.MemberByID(ctx, m.ID)
		if got.City != "Besançon" || got.Email != "zoe@example.org" {
			t.Fatalf("saved %+v", got)
		}
		if err := svc.SetLanguage(ctx, m.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.MemberByID(ctx, m.ID); got.Language != "en" {
			t.Fatalf("language %q", got.Language)
		}
	})
}

func TestDeleteLogsItsFeesOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc, fs, path := newService(t, st)
		admin := &store.Member{Login: "admin", Role: model.RoleAdmin, PersonType: model.NaturalPerson,
			LastName: "Admin", Email: "admin@example.org", Status: model.StatusMember}
		if err := svc.CreateAdmin(ctx, admin); err != nil {
			t.Fatal(err)
		}
		if err := svc.CreateAdmin(ctx, &store.Member{Login: "admin", PersonType: model.NaturalPerson, LastName: "B",
			Email: "b@example.org", Status: model.StatusMember}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second admin with the same login: %v", err)
		}
		m, _, err := svc.Create(ctx, member.Form{Login: "zoe", PersonType: "natural", FirstName: "Zoé", LastName: "L",
			Email: "z@example.org", Status: "member", DateJoined: "2026-01-15"}, member.Staff, admin)
		if err != nil {
			t.Fatal(err)
		}
		if _, errs, err := fs.Record(ctx, m.ID, nil, "tres", &fees.Form{Amount: "12", StartDate: "2026-03-01",
			PaymentMethod: "cash", PaymentDate: "2026-03-01"}); err != nil || errs.Any() {
			t.Fatalf("record: %v %v", errs, err)
		}
		if err := svc.Delete(ctx, admin, admin); !errors.Is(err, member.ErrDeleteSelf) {
			t.Fatalf("self deletion: %v", err)
		}

		// A member with an invoice is in use: the fee's log entry, appended
		// before the refusal, is rolled back with it.
		draft := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
		if err := st.CreateDraftInvoice(ctx, draft, []*store.InvoiceLine{{Label: "x", Quantity: 1, UnitPriceCents: 100}}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, m, admin); !errors.Is(err, store.ErrInUse) {
			t.Fatalf("deleting a member with an invoice: %v", err)
		}
		if entries, _ := st.LogEntries(ctx, 0, 10); len(entries) != 1 {
			t.Fatalf("%d log entries after a refused deletion", len(entries))
		}
		if data, _ := os.ReadFile(path); strings.Count(string(data), "\n") != 1 {
			t.Fatalf("log file after a refused deletion:\n%s", data)
		}

		if err := st.DeleteDraftInvoice(ctx, draft.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, m, admin); err != nil {
			t.Fatal(err)
		}
		if _, err := st.MemberByID(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("member still there: %v", err)
		}
		entries, _ := st.LogEntries(ctx, 0, 10)
		if len(entries) != 2 || entries[1].Operation != "membership_fee.deleted" || entries[1].AmountCents != -1200 ||
			entries[1].Actor != "admin" {
			t.Fatalf("entries %+v", entries)
		}
		if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"operation":"membership_fee.deleted"`) {
			t.Fatalf("log file:\n%s", data)
		}
	})
}

func TestAnonymiseRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc, _, _ := newService(t, st)
		admin := &store.Member{Login: "admin", Role: model.RoleAdmin, PersonType: "natural", FirstName: "A", LastName: "D", Email: "a@example.org", Status: model.StatusMember}
		m := &store.Member{Login: "leaving", Role: model.RoleSupport, PersonType: "natural", FirstName: "Léa", LastName: "Partante",
			Email: "lea@example.org", Status: model.StatusMember, Comments: "volunteer"}
		for _, x := range []*store.Member{admin, m} {
			if err := st.CreateMember(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		today := date.MustParse("2026-12-03")
		if err := svc.Anonymise(ctx, admin, admin, today); !errors.Is(err, member.ErrDeleteSelf) {
			t.Fatalf("anonymising oneself: %v", err)
		}
		o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1}
		if err := st.CreateOffer(ctx, o); err != nil {
			t.Fatal(err)
		}
		sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2025-01-01")}
		if err := st.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		if err := svc.Anonymise(ctx, m, admin, today); !errors.Is(err, member.ErrRunning) {
			t.Fatalf("with a running subscription: %v", err)
		}
		// Resigned as of today: the service has ended.
		sub.ResignDate = today
		if err := st.UpdateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		if err := svc.Anonymise(ctx, m, admin, today); err != nil {
			t.Fatal(err)
		}
		got, _ := st.MemberByID(ctx, m.ID)
		if got.Login != store.AnonymisedLogin(m.ID) || got.Role != model.RoleMember || got.Email != "" ||
			got.FirstName != "" || got.Comments != "" || got.Status != model.StatusNotMember || got.PasswordHash != "" {
			t.Fatalf("anonymised member %+v", got)
		}
		if at, _ := st.MemberAnonymisedAt(ctx, m.ID); at == nil {
			t.Fatal("no anonymisation date")
		}
		if err := svc.Anonymise(ctx, got, admin, today); !errors.Is(err, store.ErrAnonymised) {
			t.Fatalf("twice: %v", err)
		}
	})
}
