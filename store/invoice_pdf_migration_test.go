package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	sqlitemigrate "github.com/golang-migrate/migrate/v4/database/sqlite3"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"coin/migrations"
	"coin/store"
	"coin/store/storetest"
)

// oldSchema is a database at migration 0015, where each invoice kept its
// PDF in its own row, with pdfs validated invoices in it.
type oldSchema struct {
	s    *store.Store
	db   *sql.DB // the migrator's own pool
	m    *migrate.Migrate
	pdfs map[int64][]byte
}

// eachOldSchema runs fn on SQLite and, when configured, PostgreSQL, each
// at migration 0015 with n invoices holding their PDF in the old column.
func eachOldSchema(t *testing.T, n int, fn func(t *testing.T, o *oldSchema)) {
	t.Run("sqlite", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "coin.db")
		fn(t, newOldSchema(t, "sqlite", p, n))
	})
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			fn(t, newOldSchema(t, "postgres", storetest.PostgresDSN(t), n))
		})
	}
}

func newOldSchema(t *testing.T, driver, dsn string, n int) *oldSchema {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var drv database.Driver
	var db *sql.DB
	if driver == "sqlite" {
		if db, err = sql.Open("sqlite3", dsn); err == nil {
			drv, err = sqlitemigrate.WithInstance(db, &sqlitemigrate.Config{})
		}
	} else {
		if db, err = sql.Open("pgx", dsn); err == nil {
			drv, err = pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	src, err := iofs.New(migrations.FS, driver)
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, driver, drv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.Migrate(15); err != nil {
		t.Fatalf("migrate to 0015: %v", err)
	}
	o := &oldSchema{s: s, db: db, m: m, pdfs: map[int64][]byte{}}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var member int64
	if err := db.QueryRow(rebind(s, `INSERT INTO members (login, email, date_joined, created_at, updated_at)
		VALUES ('anna', 'anna@example.org', ?, ?, ?) RETURNING id`), "2025-01-01", now, now).Scan(&member); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	for i := range n {
		// PDFs of the old renderer weighed about 37 KB; random bytes (any
		// value, NULs too) of varied sizes show the copy is byte for byte.
		pdf := make([]byte, 1000+rng.IntN(40000))
		for j := range pdf {
			pdf[j] = byte(rng.Uint32())
		}
		copy(pdf, "%PDF-1.3\n")
		var id int64
		if err := db.QueryRow(rebind(s, `INSERT INTO invoices (kind, member_id, status, number, issue_date,
			due_date, total_excl_cents, total_cents, pdf, created_at, validated_at)
			VALUES ('invoice', ?, 'validated', ?, ?, ?, 500, 500, ?, ?, ?) RETURNING id`),
			member, fmt.Sprintf("2026-%06d", i+1), "2026-11-30", "2026-12-30", pdf, now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		o.pdfs[id] = pdf
	}
	// A draft has no PDF, and stays without one.
	if _, err := db.Exec(rebind(s, `INSERT INTO invoices (kind, member_id, status, created_at) VALUES ('invoice', ?, 'draft', ?)`), member, now); err != nil {
		t.Fatal(err)
	}
	return o
}

// up applies 0016 and what follows, as serve does.
func (o *oldSchema) up(t *testing.T) {
	t.Helper()
	if err := o.m.Up(); err != nil && err != migrate.ErrNoChange {
		t.Fatalf("migrate up: %v", err)
	}
}

// checkAllMoved asserts every PDF is in invoice_pdfs, byte for byte, none
// is left in the invoices row, and the recorded sums match.
func (o *oldSchema) checkAllMoved(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for id, want := range o.pdfs {
		got, err := o.s.InvoicePDF(ctx, id)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("invoice %d: PDF of %d bytes after the move, %d before (%v)", id, len(got), len(want), err)
		}
		inv, err := o.s.InvoiceByID(ctx, id)
		if err != nil || !inv.HasPDF {
			t.Fatalf("invoice %d has no PDF (%v)", id, err)
		}
	}
	var left, copies int
	o.db.QueryRow(`SELECT count(*) FROM invoices WHERE pdf IS NOT NULL`).Scan(&left)
	o.db.QueryRow(`SELECT count(*) FROM invoice_pdfs`).Scan(&copies)
	if left != 0 || copies != len(o.pdfs) {
		t.Fatalf("%d PDFs left in invoices, %d in invoice_pdfs; want 0 and %d", left, copies, len(o.pdfs))
	}
	c, err := o.s.CheckInvoicePDFs(ctx)
	if err != nil || c.Checked != int64(len(o.pdfs)) || len(c.Bad) != 0 {
		t.Fatalf("check: %+v, %v", c, err)
	}
}

// The migration moves every PDF out of the invoices row byte for byte, on
// both databases, in batches; running it again changes nothing; the
// moved PDFs stay frozen.
func TestMigrationMovesInvoicePDFsByteForByte(t *testing.T) {
	eachOldSchema(t, 23, func(t *testing.T, o *oldSchema) {
		ctx := context.Background()
		o.up(t)
		// The old column is cleared only once the copy holds the same bytes.
		if _, err := o.db.Exec(`UPDATE invoices SET pdf = NULL WHERE pdf IS NOT NULL`); err == nil {
			t.Fatal("PDFs cleared from the invoices row without their copy")
		}
		moved, err := o.s.MoveInvoicePDFs(ctx, 5, nil)
		if err != nil || moved != 23 {
			t.Fatalf("moved %d: %v", moved, err)
		}
		o.checkAllMoved(t)
		if err := o.s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if moved, err := o.s.MoveInvoicePDFs(ctx, 5, nil); err != nil || moved != 0 {
			t.Fatalf("second run moved %d: %v", moved, err)
		}
		o.checkAllMoved(t)
		var id int64
		for id = range o.pdfs {
			break
		}
		for _, q := range []string{`UPDATE invoice_pdfs SET pdf = ? WHERE invoice_id = ?`,
			`UPDATE invoices SET pdf = ? WHERE id = ?`} {
			if _, err := o.db.Exec(rebind(o.s, q), []byte("forged"), id); err == nil {
				t.Errorf("%s: a validated invoice's PDF changed", q)
			}
		}
		if _, err := o.db.Exec(rebind(o.s, `DELETE FROM invoice_pdfs WHERE invoice_id = ?`), id); err == nil {
			t.Error("a validated invoice's PDF was deleted")
		}
	})
}

// Store.Migrate (what serve and every command run) applies 0016 and moves
// the PDFs itself.
func TestMigrateMovesInvoicePDFs(t *testing.T) {
	eachOldSchema(t, 7, func(t *testing.T, o *oldSchema) {
		if err := o.s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		o.checkAllMoved(t)
	})
}

// A move that dies part-way, in the middle of a batch (here a trigger
// fails the 13th copy, as a kill would stop it), keeps the batches
// committed before, loses nothing of the one it was in, and the next run
// moves the rest.
func TestInterruptedPDFMoveResumesWithoutLoss(t *testing.T) {
	eachOldSchema(t, 31, func(t *testing.T, o *oldSchema) {
		ctx := context.Background()
		o.up(t)
		kill := []string{`CREATE TRIGGER test_kill BEFORE INSERT ON invoice_pdfs
			WHEN (SELECT count(*) FROM invoice_pdfs) >= 12 BEGIN SELECT RAISE(ABORT, 'killed'); END`}
		unkill := []string{`DROP TRIGGER test_kill`}
		if o.s.Dialect() == store.Postgres {
			kill = []string{`CREATE FUNCTION test_kill() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF (SELECT count(*) FROM invoice_pdfs) >= 12 THEN RAISE EXCEPTION 'killed'; END IF; RETURN NEW; END $$`,
				`CREATE TRIGGER test_kill BEFORE INSERT ON invoice_pdfs FOR EACH ROW EXECUTE FUNCTION test_kill()`}
			unkill = []string{`DROP TRIGGER test_kill ON invoice_pdfs`}
		}
		for _, q := range kill {
			if _, err := o.db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		moved, err := o.s.MoveInvoicePDFs(ctx, 5, nil)
		if err == nil || !strings.Contains(err.Error(), "killed") || moved != 10 {
			t.Fatalf("interrupted move: %d moved, %v; want 10 and the failure", moved, err)
		}
		var left, copies int
		o.db.QueryRow(`SELECT count(*) FROM invoices WHERE pdf IS NOT NULL`).Scan(&left)
		o.db.QueryRow(`SELECT count(*) FROM invoice_pdfs`).Scan(&copies)
		if left != 21 || copies != 10 {
			t.Fatalf("after the failure: %d left, %d copies; want 21 and 10 (whole batches only)", left, copies)
		}
		for _, q := range unkill {
			if _, err := o.db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if moved, err := o.s.MoveInvoicePDFs(ctx, 5, nil); err != nil || moved != 21 {
			t.Fatalf("resumed move: %d, %v", moved, err)
		}
		o.checkAllMoved(t)
	})
}

// Going back to 0015 puts the PDFs back in the invoices row.
func TestPDFMigrationGoesDownAndUp(t *testing.T) {
	eachOldSchema(t, 4, func(t *testing.T, o *oldSchema) {
		ctx := context.Background()
		if err := o.s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := o.m.Migrate(15); err != nil {
			t.Fatalf("down to 0015: %v", err)
		}
		for id, want := range o.pdfs {
			var got []byte
			if err := o.db.QueryRow(rebind(o.s, `SELECT pdf FROM invoices WHERE id = ?`), id).Scan(&got); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("invoice %d after going down: %d bytes, want %d (%v)", id, len(got), len(want), err)
			}
		}
		if err := o.s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		o.checkAllMoved(t)
	})
}
