package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/backup"
	"coin/migrations"
	"coin/model"
	"coin/store"
)

// migratedDB creates data/coin.db with one member.
func migratedDB(t *testing.T, dataDir string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(dataDir, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := &store.Member{Login: "zoe", Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		Email: "zoe@example.org", Status: model.StatusMember}
	if err := st.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
}

func TestBackupRestoreCheckCommands(t *testing.T) {
	for _, cmd := range []string{"backup", "restore", "check"} {
		r := run(t, "", nil, cmd, "--help")
		if r.status != 0 || !strings.Contains(r.stdout, "Usage: coin "+cmd) {
			t.Errorf("coin %s --help: %d %q", cmd, r.status, r.stdout)
		}
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := []string{"COIN_SERVER_DATA_DIR=" + data, "COIN_BILLING_ACCOUNTING_LOG=" + filepath.Join(data, "acc.jsonl")}
	archive := filepath.Join(dir, "out", "coin.tar.gz")

	r := run(t, "", env, "backup", "--output", archive)
	if r.status != 1 || !strings.Contains(r.stderr, "no database at") {
		t.Fatalf("backup without a database: %d %q", r.status, r.stderr)
	}
	migratedDB(t, data)
	os.WriteFile(filepath.Join(data, "acc.jsonl"), []byte(`{"id":1}`+"\n"), 0o600)
	r = run(t, "", env, "backup", "-o", archive)
	if r.status != 0 || !strings.Contains(r.stdout, "backup written to") || !strings.Contains(r.stdout, "accounting_log.jsonl") {
		t.Fatalf("backup: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "check", "--backup", archive)
	if r.status != 0 || !strings.HasPrefix(r.stdout, "ok   backup") {
		t.Fatalf("check --backup: %d %q %q", r.status, r.stdout, r.stderr)
	}

	// Restore refuses the data directory it came from.
	r = run(t, "", env, "restore", "--from", archive)
	if r.status != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("restore over the database: %d %q %q", r.status, r.stdout, r.stderr)
	}
	// Into an empty one it restores, and the restored coin works.
	data2 := filepath.Join(dir, "data2")
	env2 := []string{"COIN_SERVER_DATA_DIR=" + data2, "COIN_BILLING_ACCOUNTING_LOG=" + filepath.Join(data2, "acc.jsonl")}
	r = run(t, "", env2, "restore", "--from", archive)
	if r.status != 0 || !strings.Contains(r.stdout, "checksums and integrity verified") {
		t.Fatalf("restore: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(data2, "acc.jsonl")); err != nil || string(b) != `{"id":1}`+"\n" {
		t.Fatalf("accounting log restored: %q %v", b, err)
	}
	r = run(t, "", env2, "members-email")
	if r.status != 0 || r.stdout != "zoe@example.org\n" {
		t.Fatalf("restored database: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env2, "restore", "--from", archive)
	if r.status != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("second restore: %d %q", r.status, r.stderr)
	}

	// A flipped byte: check fails, restore writes nothing.
	raw, _ := os.ReadFile(archive)
	raw[len(raw)/2] ^= 1
	bad := filepath.Join(dir, "bad.tar.gz")
	os.WriteFile(bad, raw, 0o600)
	r = run(t, "", env, "check", "--backup", bad)
	if r.status != 1 || !strings.HasPrefix(r.stdout, "FAIL backup") {
		t.Fatalf("check a damaged archive: %d %q %q", r.status, r.stdout, r.stderr)
	}
	data3 := filepath.Join(dir, "data3")
	r = run(t, "", []string{"COIN_SERVER_DATA_DIR=" + data3}, "restore", "--from", bad)
	if r.status != 1 || !strings.HasPrefix(r.stderr, "coin: restore:") {
		t.Fatalf("restore a damaged archive: %d %q", r.status, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(data3, "coin.db")); err == nil {
		t.Fatal("a damaged archive was restored")
	}
	r = run(t, "", env, "check", "--backup", filepath.Join(dir, "nothing.tar.gz"))
	if r.status != 1 || !strings.Contains(r.stdout, "FAIL backup") {
		t.Fatalf("check a missing archive: %d %q", r.status, r.stdout)
	}

	// The job, twice the same day: one daily copy, one weekly.
	for i := 0; i < 2; i++ {
		r = run(t, "", env, "jobs", "run", "backup", "--date", "2026-12-02")
		if r.status != 0 || !strings.HasPrefix(r.stdout, "daily copy "+filepath.Join(data, "backups", "daily", "coin-2026-12-02.tar.gz")) {
			t.Fatalf("jobs run backup: %d %q %q", r.status, r.stdout, r.stderr)
		}
	}
	all, _ := filepath.Glob(filepath.Join(data, "backups", "*", "*"))
	if len(all) != 2 || filepath.Base(all[1]) != "coin-2026-W49.tar.gz" {
		t.Fatalf("backup_dir after two runs: %v", all)
	}
}

func TestBackupOnPostgresExplainsPgDump(t *testing.T) {
	dsn := "COIN_DATABASE_URL=postgres://coin:s3cret@db.example:5432/coin?sslmode=disable&pool_max_conns=4"
	r := run(t, "", []string{dsn, "PATH=" + t.TempDir()}, "backup", "-o", "/srv/coin.dump")
	want := "pg_dump --format=custom --no-owner --file=/srv/coin.dump --dbname='postgres://coin@db.example:5432/coin?sslmode=disable'"
	if r.status != 1 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stderr, "pg_dump is not on PATH") {
		t.Fatalf("without pg_dump: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Fatal("the password is printed")
	}
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "pg_dump"), []byte("#!/bin/sh\n"), 0o755)
	r = run(t, "", []string{dsn, "PATH=" + bin}, "backup", "-o", "/srv/coin.dump")
	if r.status != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "pg_dump is "+filepath.Join(bin, "pg_dump")) {
		t.Fatalf("with pg_dump: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", []string{dsn}, "restore", "--from", "/srv/coin.dump")
	if r.status != 1 || !strings.Contains(r.stderr, "pg_restore") {
		t.Fatalf("restore on postgres: %d %q", r.status, r.stderr)
	}
}

// TestMigrateTakesBackupFirst rolls the last migration back, then checks
// that migrating backs up the database at the older schema first, and
// migrates nothing when that backup cannot be written.
func TestMigrateTakesBackupFirst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	migratedDB(t, data)
	latest, err := store.LatestMigration(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	downs, _ := fs.Glob(migrations.FS, fmt.Sprintf("sqlite/%04d_*.down.sql", latest))
	if len(downs) != 1 {
		t.Fatalf("down migration of %d: %v", latest, downs)
	}
	// The version before the last one (numbers may have gaps).
	var prev uint
	ups, _ := fs.Glob(migrations.FS, "sqlite/*.up.sql")
	for _, u := range ups {
		var v uint
		fmt.Sscanf(filepath.Base(u), "%d_", &v)
		if v < latest && v > prev {
			prev = v
		}
	}
	down, _ := fs.ReadFile(migrations.FS, downs[0])
	st, err := store.Open(ctx, "sqlite", filepath.Join(data, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(string(down)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE schema_migrations SET version = ?`, prev); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// backup_dir is a file: no backup, so no migration.
	blocker := filepath.Join(dir, "not-a-dir")
	os.WriteFile(blocker, nil, 0o600)
	r := run(t, "", []string{"COIN_SERVER_DATA_DIR=" + data, "COIN_BACKUP_BACKUP_DIR=" + blocker}, "migrate")
	if r.status != 1 || !strings.Contains(r.stderr, "nothing migrated") {
		t.Fatalf("migrate without a backup: %d %q", r.status, r.stderr)
	}
	env := []string{"COIN_SERVER_DATA_DIR=" + data}
	r = run(t, "", env, "migrate", "status")
	if want := fmt.Sprintf("version %d, latest %d", prev, latest); !strings.Contains(r.stdout, want) {
		t.Fatalf("status after a refused migration: %q, want %q", r.stdout, want)
	}

	r = run(t, "", env, "migrate")
	if r.status != 0 || !strings.Contains(r.stdout, fmt.Sprintf("version %d", latest)) || !strings.Contains(r.stderr, "backed up before migrating") {
		t.Fatalf("migrate: %d %q %q", r.status, r.stdout, r.stderr)
	}
	found, _ := filepath.Glob(filepath.Join(data, "backups", "pre-migration", fmt.Sprintf("coin-schema-%d-*.tar.gz", prev)))
	if len(found) != 1 {
		t.Fatalf("pre-migration backups: %v", found)
	}
	m, err := backup.Verify(ctx, found[0])
	if err != nil || m.SchemaVersion != prev {
		t.Fatalf("pre-migration backup: %v %+v", err, m)
	}
	// Nothing pending: no more backups.
	r = run(t, "", env, "migrate")
	again, _ := filepath.Glob(filepath.Join(data, "backups", "pre-migration", "*"))
	if r.status != 0 || len(again) != 1 {
		t.Fatalf("second migrate: %d %v", r.status, again)
	}
}
