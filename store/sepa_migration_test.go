package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	sqlitemigrate "github.com/golang-migrate/migrate/v4/database/sqlite3"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"coin/date"
	"coin/migrations"
	"coin/model"
	"coin/store"
)

// Migration 0013 takes the present account of a mandate collected before
// it as the last collected, leaves a mandate never collected without one,
// and goes down and up again.
func TestMigrationRemembersTheAccountCollected(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "coin.db")
	s, err := store.Open(ctx, "sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, login := range []string{"anna", "bob"} {
		m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: login,
			LastName: "X", Email: login + "@example.org", Status: model.StatusMember}
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		d := &store.Mandate{MemberID: m.ID, Reference: "RUM-" + login, SignatureDate: date.MustParse("2026-01-15"),
			IBAN: []string{"FR7630006000011234567890189", "FR7630004000031234567890143"}[i], BIC: "AGRIFRPP",
			SequenceType: model.SeqFirst, Active: true}
		if err := s.CreateMandate(ctx, d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
		if i == 0 {
			inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
			if err := s.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: 100, AmountCents: 100}}); err != nil {
				t.Fatal(err)
			}
			inv.Number, inv.IssueDate, inv.DueDate = "F-1", date.MustParse("2026-12-01"), date.MustParse("2026-12-31")
			if err := s.ValidateInvoice(ctx, inv, nil); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordDebit(ctx, &store.Debit{InvoiceID: inv.ID, MandateID: d.ID, MessageID: "M", EndToEndID: "F-1",
				AmountCents: 100, SequenceType: model.SeqFirst, CollectionDate: date.MustParse("2026-12-07")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	db, err := sql.Open("sqlite3", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	drv, err := sqlitemigrate.WithInstance(db, &sqlitemigrate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := iofs.New(migrations.FS, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "sqlite", drv)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Migrate(12); err != nil {
		t.Fatalf("down to 0012: %v", err)
	}
	if err := m.Migrate(13); err != nil {
		t.Fatalf("up to 0013: %v", err)
	}
	for i, want := range []string{"FR7630006000011234567890189", ""} {
		var got string
		if err := db.QueryRowContext(ctx, `SELECT collected_iban FROM sepa_mandates WHERE id = ?`, ids[i]).Scan(&got); err != nil || got != want {
			t.Errorf("mandate %d: collected %q, want %q (%v)", ids[i], got, want, err)
		}
	}
}
