package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"coin/store"
)

// dbInfo is what a database copy says of itself.
type dbInfo struct {
	version uint
	dirty   bool
}

// inspect runs PRAGMA integrity_check on the SQLite file at path and reads
// its schema version, without writing anything.
func inspect(ctx context.Context, path string) (dbInfo, error) {
	var info dbInfo
	db, err := sql.Open("sqlite3", fileDSN(path))
	if err != nil {
		return info, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return info, fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return info, fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return info, fmt.Errorf("integrity check failed: %s", strings.Join(problems, "; "))
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return info, err
	}
	if n == 0 {
		return info, nil // an empty database: schema 0
	}
	var version int64
	err = db.QueryRowContext(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &info.dirty)
	if errors.Is(err, sql.ErrNoRows) {
		return info, nil
	}
	if err != nil {
		return info, fmt.Errorf("read schema version: %w", err)
	}
	if version < 0 {
		return info, fmt.Errorf("schema version %d", version)
	}
	info.version = uint(version)
	return info, nil
}

// Verify checks the archive at path without restoring it: the manifest,
// the size and sha256 of every entry, PRAGMA integrity_check of the
// database, and that its schema version is the manifest's and one this
// coin knows. It returns the manifest.
func Verify(ctx context.Context, path string) (*Manifest, error) {
	tmp, err := os.MkdirTemp("", "coin-check-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	return extract(ctx, path, tmp)
}

// extract unpacks the archive at path into dir (which it fills with the
// entries, nothing else) and checks it as Verify says.
func extract(ctx context.Context, path, dir string) (*Manifest, error) {
	m, err := unpack(path, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkDatabase(ctx, m, filepath.Join(dir, DatabaseName)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func checkDatabase(ctx context.Context, m *Manifest, db string) error {
	info, err := inspect(ctx, db)
	if err != nil {
		return fmt.Errorf("%s: %w", DatabaseName, err)
	}
	if info.version != m.SchemaVersion {
		return fmt.Errorf("%s is at schema version %d, the manifest says %d", DatabaseName, info.version, m.SchemaVersion)
	}
	if info.dirty {
		return fmt.Errorf("%s: schema version %d is dirty (a migration failed half-way)", DatabaseName, info.version)
	}
	latest, err := store.LatestMigration(store.SQLite)
	if err != nil {
		return err
	}
	if info.version > latest {
		return fmt.Errorf("schema version %d is newer than this coin knows (%d): use the coin that took the backup (%s) or a later one", info.version, latest, m.CoinVersion)
	}
	if !store.KnownMigration(store.SQLite, info.version) {
		return fmt.Errorf("schema version %d is not a version of coin's migrations", info.version)
	}
	if info.version >= pdfTableVersion {
		return checkPDFs(ctx, db)
	}
	return nil
}

// pdfTableVersion is the migration that gave invoice PDFs their table,
// with the sha256 of each.
const pdfTableVersion = 16

// checkPDFs reads every invoice PDF of the copy and compares it with the
// size and sha256 recorded when it was validated: integrity_check vouches
// for the pages, not for the documents of record.
func checkPDFs(ctx context.Context, db string) error {
	st, err := store.OpenSnapshot(ctx, fileDSN(db))
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CheckInvoicePDFs(ctx)
	if err != nil {
		return err
	}
	if len(c.Bad) > 0 {
		return fmt.Errorf("%d of %d invoice PDFs differ from their recorded sha256 (invoices %v)", len(c.Bad), c.Checked, c.Bad[:min(len(c.Bad), 10)])
	}
	return nil
}

// unpack reads the manifest, then writes each entry into dir checking its
// size and sha256 against the manifest.
func unpack(path, dir string) (*Manifest, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errors.New("no such file")
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("not a coin backup (gzip: %v)", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	hdr, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("not a coin backup (tar: %v)", err)
	}
	if hdr.Name != ManifestName {
		return nil, fmt.Errorf("not a coin backup: the first entry is %q, not %s", hdr.Name, ManifestName)
	}
	raw, err := io.ReadAll(io.LimitReader(tr, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read %s: %v", ManifestName, err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", ManifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: archive format %d, this coin reads format %d", ManifestName, m.Format, Format)
	}
	if m.Dialect != string(store.SQLite) {
		return nil, fmt.Errorf("%s: a %q backup, coin restores SQLite backups", ManifestName, m.Dialect)
	}
	want := map[string]Entry{}
	for _, e := range m.Entries {
		if e.Name != DatabaseName && e.Name != AccountingLogName {
			return nil, fmt.Errorf("%s: unknown entry %q", ManifestName, e.Name)
		}
		if _, dup := want[e.Name]; dup {
			return nil, fmt.Errorf("%s: entry %q is listed twice", ManifestName, e.Name)
		}
		want[e.Name] = e
	}
	if _, ok := want[DatabaseName]; !ok {
		return nil, fmt.Errorf("%s: no %s entry", ManifestName, DatabaseName)
	}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("damaged archive: %v", err)
		}
		e, ok := want[hdr.Name]
		if !ok {
			return nil, fmt.Errorf("entry %q is not in the manifest (or is there twice)", hdr.Name)
		}
		delete(want, hdr.Name)
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("entry %q is not a regular file", hdr.Name)
		}
		if hdr.Size != e.Size {
			return nil, fmt.Errorf("%s: %d bytes, the manifest says %d", e.Name, hdr.Size, e.Size)
		}
		h := sha256.New()
		if err := copyTo(io.TeeReader(tr, h), filepath.Join(dir, e.Name)); err != nil {
			return nil, fmt.Errorf("%s: damaged archive: %v", e.Name, err)
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != e.SHA256 {
			return nil, fmt.Errorf("%s: sha256 %s, the manifest says %s: the archive is damaged", e.Name, sum, e.SHA256)
		}
	}
	for name := range want {
		return nil, fmt.Errorf("entry %s of the manifest is missing from the archive", name)
	}
	// Read to the end of the gzip stream, which checks its CRC.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return nil, fmt.Errorf("damaged archive: %v", err)
	}
	return &m, nil
}

// Target says where a restore writes.
type Target struct {
	// Database is the SQLite file to create (data_dir/coin.db).
	Database string
	// AccountingLog is billing.accounting_log; "" puts the archive's log
	// file, if any, beside the database as accounting_log.jsonl.
	AccountingLog string
}

// ErrExists is returned by Restore when it would overwrite a file.
var ErrExists = errors.New("already exists")

// Restore checks the archive at path (as Verify) and, only then, writes
// its database and accounting log where t says. It overwrites nothing: an
// existing database (or its -wal, -shm, -journal) or log file stops it
// before anything is written. It returns the manifest and the files written.
func Restore(ctx context.Context, path string, t Target) (*Manifest, []string, error) {
	for _, p := range []string{t.Database, t.Database + "-wal", t.Database + "-shm", t.Database + "-journal"} {
		if _, err := os.Lstat(p); err == nil {
			return nil, nil, fmt.Errorf("%s %w: restore writes only into an empty data directory (move the database away first)", p, ErrExists)
		}
	}
	dir := filepath.Dir(t.Database)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	staging, err := os.MkdirTemp(dir, ".coin-restore-*.tmp")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(staging)
	m, err := extract(ctx, path, staging)
	if err != nil {
		return nil, nil, err
	}
	type move struct{ from, to string }
	moves := []move{{filepath.Join(staging, DatabaseName), t.Database}}
	if _, ok := m.Entry(AccountingLogName); ok {
		to := t.AccountingLog
		if to == "" {
			to = filepath.Join(dir, AccountingLogName)
		}
		if _, err := os.Lstat(to); err == nil {
			return nil, nil, fmt.Errorf("accounting log %s %w: move it away first", to, ErrExists)
		}
		moves = append(moves, move{filepath.Join(staging, AccountingLogName), to})
	}
	var written []string
	for _, mv := range moves {
		if err := place(mv.from, mv.to); err != nil {
			return m, written, err
		}
		written = append(written, mv.to)
	}
	return m, written, nil
}

// place moves from to to without ever replacing an existing to: a hard
// link (which fails on an existing name) when from and to share a file
// system, else a synced copy into a new file.
func place(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return err
	}
	err := os.Link(from, to)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s %w", to, ErrExists)
	}
	if err != nil {
		in, err := os.Open(from)
		if err != nil {
			return err
		}
		defer in.Close()
		if err := copyTo(in, to); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%s %w", to, ErrExists)
			}
			return err
		}
	}
	return syncDir(filepath.Dir(to))
}
