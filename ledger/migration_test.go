package ledger_test

import (
	"context"
	"database/sql"
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

	"coin/accounting"
	"coin/config"
	"coin/date"
	"coin/migrations"
	"coin/store"
	"coin/store/storetest"
)

// A database from before the ledger (schema 0024) with an invoice, a
// payment and a fee typed by hand gets their entries, in date order, at
// the first start after migration 0029, once.
func TestMigrationBackfillsTheLedger(t *testing.T) {
	run := func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var db *sql.DB
		var drv database.Driver
		if driver == "sqlite" {
			if db, err = sql.Open("sqlite3", dsn); err == nil {
				drv, err = sqlitemigrate.WithInstance(db, &sqlitemigrate.Config{})
			}
		} else if db, err = sql.Open("pgx", dsn); err == nil {
			drv, err = pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
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
		defer m.Close()
		if err := m.Migrate(24); err != nil {
			t.Fatal(err)
		}
		q := func(query string) string {
			if driver != "sqlite" {
				for i := 1; strings.Contains(query, "?"); i++ {
					query = strings.Replace(query, "?", "$"+string(rune('0'+i)), 1)
				}
			}
			return query
		}
		now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
		var member int64
		if err := db.QueryRow(q(`INSERT INTO members (login, email, first_name, last_name, date_joined, created_at, updated_at)
			VALUES ('anna', 'anna@example.org', 'Anna', 'Old', ?, ?, ?) RETURNING id`), "2025-01-01", now, now).Scan(&member); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`INSERT INTO invoices (kind, member_id, status, number, issue_date, due_date, total_excl_cents, total_cents,
				created_at, validated_at) VALUES ('invoice', ?, 'validated', '2025-000001', '2025-06-01', '2025-07-01', 500, 500, ?, ?)`,
			`INSERT INTO payments (member_id, method, payment_date, amount_cents, created_at) VALUES (?, 'transfer', '2025-06-10', 500, ?)`,
			`INSERT INTO membership_fees (member_id, amount, start_date, end_date, payment_method, reference, payment_date, created_at)
				VALUES (?, 1500, '2025-01-05', '2026-01-04', 'check', 'CHQ 1', '2025-01-05', ?)`,
		} {
			args := []any{member, now}
			if strings.Count(stmt, "?") == 3 {
				args = append(args, now)
			}
			if _, err := db.Exec(q(stmt), args...); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		books := &accounting.Service{Store: s, Cfg: &cfg}
		if n, err := books.Ledger().BackfillPending(ctx, s); err != nil || n != 3 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		if n, err := books.Ledger().BackfillPending(ctx, s); err != nil || n != 0 {
			t.Fatalf("second start: %d %v", n, err)
		}
		lines, err := books.Entries(ctx, date.MustParse("2025-01-01"), date.MustParse("2025-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		var nums []string
		for _, l := range lines {
			if len(nums) == 0 || nums[len(nums)-1] != l.Num {
				nums = append(nums, l.Num)
			}
		}
		if strings.Join(nums, " ") != "BQ2025-000001 VE2025-000001 BQ2025-000002" || lines[0].PieceRef != "CHQ 1" ||
			lines[1].Account != "756" || lines[2].AuxNum != "anna" {
			t.Fatalf("entries %v\n%+v", nums, lines)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "sqlite", filepath.Join(t.TempDir(), "coin.db")) })
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, "postgres", storetest.PostgresDSN(t)) })
	}
}
