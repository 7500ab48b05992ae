package hardware_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"coin/config"
	"coin/hardware"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// fixture is a hardware.Service whose log lines are kept.
type fixture struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	svc *hardware.Service
	log *bytes.Buffer
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	cfg := config.Default()
	var buf bytes.Buffer
	return &fixture{t: t, ctx: context.Background(), st: st, log: &buf,
		svc: &hardware.Service{Store: st, Cfg: &cfg, Log: slog.New(slog.NewTextHandler(&buf, nil))}}
}

// logged counts the log lines with message msg.
func (f *fixture) logged(msg string) int {
	return strings.Count(f.log.String(), fmt.Sprintf("msg=%q", msg))
}

// rolledBack runs fn with the service inside a transaction that then fails:
// fn must succeed, and the transaction is rolled back.
func (f *fixture) rolledBack(fn func(in *hardware.Service) error) {
	f.t.Helper()
	boom := errors.New("boom")
	err := f.st.Tx(f.ctx, func(tx *store.Store) error {
		in := *f.svc
		in.Store = tx
		if err := fn(&in); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		f.t.Fatalf("inside the rolled back transaction: %v", err)
	}
}

func (f *fixture) member(login string) *store.Member {
	f.t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, LastName: login,
		Email: login + "@example.org", Status: model.StatusMember}
	if err := f.st.CreateMember(f.ctx, m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func TestCatalogWritesCommitOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx, svc := f.ctx, f.svc
		staff := f.member("staff")

		if _, errs, _ := svc.CreateItemType(ctx, "", staff); errs.Get("name") != "err.required" {
			t.Fatalf("empty name: %v", errs)
		}
		f.rolledBack(func(in *hardware.Service) error {
			_, errs, err := in.CreateItemType(ctx, "Routeur", staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if types, _ := st.ItemTypes(ctx); len(types) != 0 || f.logged("item type created") != 0 {
			t.Fatalf("after a rollback: %d types, log:\n%s", len(types), f.log)
		}
		ty, errs, err := svc.CreateItemType(ctx, "Routeur", staff)
		if err != nil || errs.Any() {
			t.Fatalf("create type: %v %v", errs, err)
		}
		if f.logged("item type created") != 1 || !strings.Contains(f.log.String(), fmt.Sprintf("by=%d", staff.ID)) {
			t.Fatalf("log:\n%s", f.log)
		}
		if _, errs, _ := svc.CreateItemType(ctx, "Routeur", staff); errs.Get("name") != "hardware.err.name_taken" {
			t.Fatalf("same name twice: %v", errs)
		}
		other, _, _ := svc.CreateItemType(ctx, "ONT", staff)

		f.rolledBack(func(in *hardware.Service) error {
			errs, err := in.RenameItemType(ctx, ty.ID, "Box", staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if got, _ := st.ItemTypeByID(ctx, ty.ID); got.Name != "Routeur" || f.logged("item type renamed") != 0 {
			t.Fatalf("after a rolled back rename: %q, log:\n%s", got.Name, f.log)
		}
		if errs, err := svc.RenameItemType(ctx, ty.ID, "Box", staff); err != nil || errs.Any() {
			t.Fatalf("rename: %v %v", errs, err)
		}
		if got, _ := st.ItemTypeByID(ctx, ty.ID); got.Name != "Box" || f.logged("item type renamed") != 1 {
			t.Fatalf("after a rename: %q, log:\n%s", got.Name, f.log)
		}
		if errs, _ := svc.RenameItemType(ctx, ty.ID, "ONT", staff); errs.Get("name") != "hardware.err.name_taken" {
			t.Fatalf("rename to a name taken: %v", errs)
		}
		if errs, _ := svc.RenameItemType(ctx, ty.ID, strings.Repeat("x", 101), staff); errs.Get("name") != "err.too_long" {
			t.Fatalf("rename to a long name: %v", errs)
		}

		f.rolledBack(func(in *hardware.Service) error { return in.DeleteItemType(ctx, other.ID, staff) })
		if _, err := st.ItemTypeByID(ctx, other.ID); err != nil || f.logged("item type deleted") != 0 {
			t.Fatalf("after a rolled back deletion: %v, log:\n%s", err, f.log)
		}
		if err := svc.DeleteItemType(ctx, other.ID, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ItemTypeByID(ctx, other.ID); !errors.Is(err, store.ErrNotFound) || f.logged("item type deleted") != 1 {
			t.Fatalf("after a deletion: %v, log:\n%s", err, f.log)
		}

		// Storage places.
		if _, errs, _ := svc.CreateStoragePlace(ctx, "Local", strings.Repeat("n", 501), staff); errs.Get("notes") != "err.too_long" {
			t.Fatalf("long notes: %v", errs)
		}
		f.rolledBack(func(in *hardware.Service) error {
			_, errs, err := in.CreateStoragePlace(ctx, "Local", "rue X", staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if places, _ := st.StoragePlaces(ctx); len(places) != 0 || f.logged("storage place created") != 0 {
			t.Fatalf("after a rollback: %d places, log:\n%s", len(places), f.log)
		}
		p, errs, err := svc.CreateStoragePlace(ctx, "Local", "rue X", staff)
		if err != nil || errs.Any() || f.logged("storage place created") != 1 {
			t.Fatalf("create place: %v %v, log:\n%s", errs, err, f.log)
		}
		cellar, _, _ := svc.CreateStoragePlace(ctx, "Cave", "", staff)
		if _, errs, _ := svc.CreateStoragePlace(ctx, "Cave", "", staff); errs.Get("name") != "hardware.err.name_taken" {
			t.Fatalf("same place twice: %v", errs)
		}

		f.rolledBack(func(in *hardware.Service) error {
			errs, err := in.UpdateStoragePlace(ctx, &store.StoragePlace{ID: p.ID, Name: "Atelier", Notes: "rue Y"}, staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if got, _ := st.StoragePlaceByID(ctx, p.ID); got.Name != "Local" || got.Notes != "rue X" || f.logged("storage place updated") != 0 {
			t.Fatalf("after a rolled back update: %+v, log:\n%s", got, f.log)
		}
		if errs, err := svc.UpdateStoragePlace(ctx, &store.StoragePlace{ID: p.ID, Name: "Atelier", Notes: "rue Y"}, staff); err != nil || errs.Any() {
			t.Fatalf("update place: %v %v", errs, err)
		}
		if got, _ := st.StoragePlaceByID(ctx, p.ID); got.Name != "Atelier" || got.Notes != "rue Y" || f.logged("storage place updated") != 1 {
			t.Fatalf("after an update: %+v, log:\n%s", got, f.log)
		}
		if errs, _ := svc.UpdateStoragePlace(ctx, &store.StoragePlace{ID: p.ID, Name: "Cave"}, staff); errs.Get("name") != "hardware.err.name_taken" {
			t.Fatalf("update to a name taken: %v", errs)
		}

		f.rolledBack(func(in *hardware.Service) error { return in.DeleteStoragePlace(ctx, cellar.ID, staff) })
		if _, err := st.StoragePlaceByID(ctx, cellar.ID); err != nil || f.logged("storage place deleted") != 0 {
			t.Fatalf("after a rolled back deletion: %v, log:\n%s", err, f.log)
		}
		if err := svc.DeleteStoragePlace(ctx, cellar.ID, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StoragePlaceByID(ctx, cellar.ID); !errors.Is(err, store.ErrNotFound) || f.logged("storage place deleted") != 1 {
			t.Fatalf("after a deletion: %v, log:\n%s", err, f.log)
		}

		// A type or place in use stays.
		if _, errs, err := svc.CreateItem(ctx, &hardware.ItemForm{Designation: "Omnia", TypeID: fmt.Sprint(ty.ID),
			StorageID: fmt.Sprint(p.ID)}, staff); err != nil || errs.Any() {
			t.Fatalf("create item: %v %v", errs, err)
		}
		if err := svc.DeleteItemType(ctx, ty.ID, staff); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("deleting a type in use: %v", err)
		}
		if err := svc.DeleteStoragePlace(ctx, p.ID, staff); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("deleting a place in use: %v", err)
		}
	})
}

func TestItemWritesCommitOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx, svc := f.ctx, f.svc
		staff := f.member("staff")
		ty, _, err := svc.CreateItemType(ctx, "Routeur", staff)
		if err != nil {
			t.Fatal(err)
		}
		typeID := fmt.Sprint(ty.ID)

		if _, errs, _ := svc.CreateItem(ctx, &hardware.ItemForm{Designation: "Omnia", TypeID: "999"}, staff); errs.Get("type_id") == "" {
			t.Fatalf("unknown type: %v", errs)
		}
		f.rolledBack(func(in *hardware.Service) error {
			_, errs, err := in.CreateItem(ctx, &hardware.ItemForm{Designation: "Omnia", TypeID: typeID}, staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if items, n, _ := st.ListItems(ctx, store.ItemFilter{}); len(items) != 0 || n != 0 || f.logged("item created") != 0 {
			t.Fatalf("after a rollback: %d items, log:\n%s", n, f.log)
		}
		form := &hardware.ItemForm{Designation: " Omnia ", TypeID: typeID, MAC: "00-1A-2B-3C-4D-5E", OwnerLogin: "STAFF"}
		it, errs, err := svc.CreateItem(ctx, form, staff)
		if err != nil || errs.Any() {
			t.Fatalf("create item: %v %v", errs, err)
		}
		if form.MAC != "00:1a:2b:3c:4d:5e" || form.Designation != "Omnia" {
			t.Fatalf("form not normalised: %+v", form)
		}
		if got, _ := st.ItemByID(ctx, it.ID); got.MAC != "00:1a:2b:3c:4d:5e" || got.OwnerID == nil || *got.OwnerID != staff.ID ||
			f.logged("item created") != 1 {
			t.Fatalf("created %+v, log:\n%s", got, f.log)
		}
		if _, errs, _ := svc.CreateItem(ctx, &hardware.ItemForm{Designation: "Autre", TypeID: typeID, MAC: "00:1a:2b:3c:4d:5e"}, staff); errs.Get("mac") != "hardware.err.mac_taken" {
			t.Fatalf("same MAC twice: %v", errs)
		}

		f.rolledBack(func(in *hardware.Service) error {
			cp, _ := st.ItemByID(ctx, it.ID)
			errs, err := in.UpdateItem(ctx, cp, &hardware.ItemForm{Designation: "Turris", TypeID: typeID}, staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if got, _ := st.ItemByID(ctx, it.ID); got.Designation != "Omnia" || f.logged("item updated") != 0 {
			t.Fatalf("after a rolled back update: %+v, log:\n%s", got, f.log)
		}
		if errs, err := svc.UpdateItem(ctx, it, &hardware.ItemForm{Designation: "Turris", TypeID: typeID, Serial: "S1"}, staff); err != nil || errs.Any() {
			t.Fatalf("update: %v %v", errs, err)
		}
		if got, _ := st.ItemByID(ctx, it.ID); got.Designation != "Turris" || got.Serial != "S1" || f.logged("item updated") != 1 {
			t.Fatalf("after an update: %+v, log:\n%s", got, f.log)
		}

		// An item on loan is neither deployed nor deleted.
		if _, errs, err := svc.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: "staff"}, staff); err != nil || errs.Any() {
			t.Fatalf("lend: %v %v", errs, err)
		}
		if errs, _ := svc.UpdateItem(ctx, it, &hardware.ItemForm{Designation: "Turris", TypeID: typeID, Deployed: true}, staff); errs.Get("deployed") != "hardware.err.deploy_lent" {
			t.Fatalf("deploying an item on loan: %v", errs)
		}
		if err := svc.DeleteItem(ctx, it, staff); !errors.Is(err, store.ErrItemLent) {
			t.Fatalf("deleting an item on loan: %v", err)
		}
		if _, err := svc.Return(ctx, it.ID, staff); err != nil {
			t.Fatal(err)
		}

		f.rolledBack(func(in *hardware.Service) error { return in.DeleteItem(ctx, it, staff) })
		if _, err := st.ItemByID(ctx, it.ID); err != nil || f.logged("item deleted") != 0 {
			t.Fatalf("after a rolled back deletion: %v, log:\n%s", err, f.log)
		}
		if err := svc.DeleteItem(ctx, it, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ItemByID(ctx, it.ID); !errors.Is(err, store.ErrNotFound) || f.logged("item deleted") != 1 {
			t.Fatalf("after a deletion: %v, log:\n%s", err, f.log)
		}
	})
}

func TestLoanWritesCommitOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx, svc := f.ctx, f.svc
		staff, zoe := f.member("staff"), f.member("zoe")
		ty, _, _ := svc.CreateItemType(ctx, "Routeur", staff)
		it, _, err := svc.CreateItem(ctx, &hardware.ItemForm{Designation: "Omnia", TypeID: fmt.Sprint(ty.ID)}, staff)
		if err != nil {
			t.Fatal(err)
		}
		rack, _, _ := svc.CreateItem(ctx, &hardware.ItemForm{Designation: "Switch", TypeID: fmt.Sprint(ty.ID), Deployed: true}, staff)

		if _, errs, _ := svc.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: "nobody"}, staff); errs.Get("member") != "hardware.err.no_such_member" {
			t.Fatalf("unknown member: %v", errs)
		}
		if _, errs, _ := svc.Lend(ctx, rack.ID, &hardware.LoanForm{MemberLogin: "zoe"}, staff); errs.Get("member") != "hardware.err.lend_deployed" {
			t.Fatalf("lending a deployed item: %v", errs)
		}
		f.rolledBack(func(in *hardware.Service) error {
			_, errs, err := in.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: "zoe"}, staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if loans, _ := st.ItemLoans(ctx, it.ID); len(loans) != 0 || f.logged("item lent") != 0 {
			t.Fatalf("after a rollback: %d loans, log:\n%s", len(loans), f.log)
		}
		l, errs, err := svc.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: " ZOE ", StartDate: "2026-01-02", Notes: "avec alim"}, staff)
		if err != nil || errs.Any() {
			t.Fatalf("lend: %v %v", errs, err)
		}
		if l.MemberID != zoe.ID || l.StartDate.String() != "2026-01-02" || f.logged("item lent") != 1 {
			t.Fatalf("loan %+v, log:\n%s", l, f.log)
		}
		if _, errs, _ := svc.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: "staff"}, staff); errs.Get("member") != "hardware.err.already_lent" {
			t.Fatalf("lending twice: %v", errs)
		}

		f.rolledBack(func(in *hardware.Service) error {
			cp, _ := st.LoanByID(ctx, l.ID)
			errs, err := in.UpdateLoan(ctx, cp, &hardware.LoanEditForm{StartDate: "2026-01-01", Notes: "corrigé"}, staff)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if got, _ := st.LoanByID(ctx, l.ID); got.StartDate.String() != "2026-01-02" || got.Notes != "avec alim" || f.logged("loan updated") != 0 {
			t.Fatalf("after a rolled back update: %+v, log:\n%s", got, f.log)
		}
		if errs, _ := svc.UpdateLoan(ctx, l, &hardware.LoanEditForm{StartDate: "2026-01-05", EndDate: "2026-01-03"}, staff); errs.Get("end_date") != "hardware.err.end_before_start" {
			t.Fatalf("end before start: %v", errs)
		}
		if errs, err := svc.UpdateLoan(ctx, l, &hardware.LoanEditForm{StartDate: "2026-01-01", Notes: " corrigé "}, staff); err != nil || errs.Any() {
			t.Fatalf("update loan: %v %v", errs, err)
		}
		if got, _ := st.LoanByID(ctx, l.ID); got.StartDate.String() != "2026-01-01" || got.Notes != "corrigé" || f.logged("loan updated") != 1 {
			t.Fatalf("after an update: %+v, log:\n%s", got, f.log)
		}

		f.rolledBack(func(in *hardware.Service) error {
			_, err := in.Return(ctx, it.ID, staff)
			return err
		})
		if got, _ := st.LoanByID(ctx, l.ID); !got.Open() || f.logged("item taken back") != 0 {
			t.Fatalf("after a rolled back return: %+v, log:\n%s", got, f.log)
		}
		back, err := svc.Return(ctx, it.ID, staff)
		if err != nil || back.ID != l.ID {
			t.Fatalf("return: %+v %v", back, err)
		}
		if got, _ := st.LoanByID(ctx, l.ID); got.Open() || f.logged("item taken back") != 1 {
			t.Fatalf("after a return: %+v, log:\n%s", got, f.log)
		}
		if _, err := svc.Return(ctx, it.ID, staff); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("returning twice: %v", err)
		}

		// Reopening a closed loan of an item out again is a form error.
		if _, errs, err := svc.Lend(ctx, it.ID, &hardware.LoanForm{MemberLogin: "staff"}, staff); err != nil || errs.Any() {
			t.Fatalf("lend again: %v %v", errs, err)
		}
		if errs, err := svc.UpdateLoan(ctx, l, &hardware.LoanEditForm{StartDate: "2026-01-01"}, staff); err != nil || errs.Get("end_date") != "hardware.err.reopen_lent" {
			t.Fatalf("reopening: %v %v", errs, err)
		}
	})
}
