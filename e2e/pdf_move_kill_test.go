package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// TestKilledPDFMoveResumesWithoutLoss builds a database at schema 0015
// whose invoices hold their PDFs in their row, kills a real `coin
// migrate` with SIGKILL while it moves them, runs it again, and checks
// every PDF is in invoice_pdfs byte for byte and none is left behind.
func TestKilledPDFMoveResumesWithoutLoss(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		killPDFMove(t, "sqlite", filepath.Join(data, "coin.db"), []string{"COIN_SERVER_DATA_DIR=" + data})
	})
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			killPDFMove(t, "postgres", dsn, []string{"COIN_SERVER_DATA_DIR=" + t.TempDir(), "COIN_DATABASE_URL=" + dsn})
		})
	}
}

const movePDFs = 3000

func killPDFMove(t *testing.T, driver, dsn string, env []string) {
	ctx := context.Background()
	pdfs := schema15WithPDFs(t, driver, dsn)
	s, err := store.Open(ctx, driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env = append(env, "PATH="+os.Getenv("PATH"))
	migrateCmd := func() *exec.Cmd {
		cmd := exec.Command(coinBin, "migrate")
		cmd.Env = env
		return cmd
	}
	cmd := migrateCmd()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killedAt := -1
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		var n int
		if s.DB().QueryRow(`SELECT count(*) FROM invoice_pdfs`).Scan(&n) == nil && n > 0 {
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			s.DB().QueryRow(`SELECT count(*) FROM invoice_pdfs`).Scan(&killedAt)
			break
		}
	}
	if killedAt <= 0 || killedAt >= movePDFs {
		t.Fatalf("could not kill the move part-way (%d of %d moved at kill)\n%s", killedAt, movePDFs, out.String())
	}
	t.Logf("killed with %d of %d PDFs moved", killedAt, movePDFs)
	res, err := migrateCmd().CombinedOutput()
	if err != nil || !strings.Contains(string(res), fmt.Sprintf("moved %d/%d", movePDFs-killedAt, movePDFs-killedAt)) {
		t.Fatalf("second run: %v\n%s", err, res)
	}
	for id, want := range pdfs {
		got, err := s.InvoicePDF(ctx, id)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("invoice %d: %d bytes after the move, %d before (%v)", id, len(got), len(want), err)
		}
	}
	var left, copies int
	s.DB().QueryRow(`SELECT count(*) FROM invoices WHERE pdf IS NOT NULL`).Scan(&left)
	s.DB().QueryRow(`SELECT count(*) FROM invoice_pdfs`).Scan(&copies)
	if left != 0 || copies != movePDFs {
		t.Fatalf("%d PDFs left in invoices, %d moved; want 0 and %d", left, copies, movePDFs)
	}
}

// schema15WithPDFs migrates dsn to 0015 and adds validated invoices with
// PDFs of about the old size (37 KB) in their row; it returns them by id.
func schema15WithPDFs(t *testing.T, driver, dsn string) map[int64][]byte {
	t.Helper()
	var db *sql.DB
	var drv database.Driver
	var err error
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
	if err := m.Migrate(15); err != nil {
		t.Fatalf("migrate to 0015: %v", err)
	}
	q := func(s string) string {
		if driver != "postgres" {
			return s
		}
		for i := 1; strings.Contains(s, "?"); i++ {
			s = strings.Replace(s, "?", fmt.Sprintf("$%d", i), 1)
		}
		return s
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var member int64
	if err := tx.QueryRow(q(`INSERT INTO members (login, email, date_joined, created_at, updated_at)
		VALUES ('anna', 'anna@example.org', ?, ?, ?) RETURNING id`), "2025-01-01", now, now).Scan(&member); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 9))
	pdfs := map[int64][]byte{}
	for i := range movePDFs {
		pdf := make([]byte, 30000+rng.IntN(10000))
		for j := range pdf {
			pdf[j] = byte(rng.Uint32())
		}
		var id int64
		if err := tx.QueryRow(q(`INSERT INTO invoices (kind, member_id, status, number, issue_date, due_date,
			total_excl_cents, total_cents, pdf, created_at, validated_at)
			VALUES ('invoice', ?, 'validated', ?, ?, ?, 500, 500, ?, ?, ?) RETURNING id`),
			member, fmt.Sprintf("2026-%06d", i+1), "2026-11-30", "2026-12-30", pdf, now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		pdfs[id] = pdf
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return pdfs
}
