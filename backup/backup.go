// Package backup takes, checks and restores backups of a SQLite coin.
//
// A backup is one gzip-compressed tar archive:
//
//	manifest.json         coin version, schema version, date, size and sha256 of each entry
//	coin.db               the database, copied online with VACUUM INTO
//	accounting_log.jsonl  the billing.accounting_log file, when one is configured
//
// The database holds everything else a restore needs (PDFs of invoices,
// the ISP's logo, sessions, the outbox). VACUUM INTO reads the database in
// one read transaction: the copy is the database as it was at one instant,
// and writers (a running `coin serve`) are not blocked while it is taken.
// The accounting log file is copied just before: every line in the copy
// has its entry in the copied database (the table is the reference).
//
// Every file is written under a temporary name, synced and renamed: a
// backup is there whole or not at all.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coin/store"
)

// Names of the archive's entries.
const (
	ManifestName      = "manifest.json"
	DatabaseName      = "coin.db"
	AccountingLogName = "accounting_log.jsonl"
)

// Format is the version of the archive layout.
const Format = 1

// Manifest describes an archive; it is its first entry.
type Manifest struct {
	Format        int       `json:"format"`
	CoinVersion   string    `json:"coin_version"`
	Dialect       string    `json:"dialect"`
	SchemaVersion uint      `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	Entries       []Entry   `json:"entries"`
}

// Entry is a file of the archive.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Entry returns the entry called name.
func (m *Manifest) Entry(name string) (Entry, bool) {
	for _, e := range m.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Options say what goes into a backup besides the database.
type Options struct {
	// AccountingLog is the billing.accounting_log file; "" or a file that
	// does not exist yet: none.
	AccountingLog string
	// CoinVersion is written into the manifest.
	CoinVersion string
	// Now is the clock of the manifest's date; nil: time.Now.
	Now func() time.Time
}

// ErrPostgres is returned for a store on PostgreSQL: pg_dump backs it up.
var ErrPostgres = errors.New("coin backs up SQLite databases only: on PostgreSQL, pg_dump does it")

// Write takes a backup of st (a SQLite store, which may be in use) into
// the archive out, atomically: out appears whole, or not at all.
func Write(ctx context.Context, st *store.Store, out string, o Options) (*Manifest, error) {
	if st.Dialect() != store.SQLite {
		return nil, ErrPostgres
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	// Absolute: SQLite must not read a relative "file:…" as a URI.
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	staging, err := os.MkdirTemp(dir, ".coin-backup-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(staging)

	m := &Manifest{Format: Format, CoinVersion: o.CoinVersion, Dialect: string(store.SQLite)}
	var files []string // in archive order, after the manifest
	// The log file first: what it holds was committed, so is in the copy.
	if o.AccountingLog != "" {
		ok, err := copyIfExists(o.AccountingLog, filepath.Join(staging, AccountingLogName))
		if err != nil {
			return nil, fmt.Errorf("backup: accounting log: %w", err)
		}
		if ok {
			files = append(files, AccountingLogName)
		}
	}
	m.CreatedAt = now().UTC().Truncate(time.Second)
	dbCopy := filepath.Join(staging, DatabaseName)
	if _, err := st.DB().ExecContext(ctx, "VACUUM INTO ?", dbCopy); err != nil {
		return nil, fmt.Errorf("backup: copy the database: %w", err)
	}
	files = append([]string{DatabaseName}, files...)
	info, err := inspect(ctx, dbCopy)
	if err != nil {
		return nil, fmt.Errorf("backup: the copy of the database: %w", err)
	}
	if info.dirty {
		return nil, fmt.Errorf("backup: the database schema is dirty at version %d (a migration failed half-way)", info.version)
	}
	m.SchemaVersion = info.version
	for _, name := range files {
		e, err := hashFile(filepath.Join(staging, name))
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		e.Name = name
		m.Entries = append(m.Entries, e)
	}
	err = writeAtomic(out, func(w io.Writer) error { return writeArchive(w, m, staging) })
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// writeArchive writes the manifest then every entry, as tar.gz.
func writeArchive(w io.Writer, m *Manifest, dir string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	manifest = append(manifest, '\n')
	hdr := &tar.Header{Name: ManifestName, Mode: 0o640, Size: int64(len(manifest)), ModTime: m.CreatedAt,
		Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	for _, e := range m.Entries {
		f, err := os.Open(filepath.Join(dir, e.Name))
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: e.Name, Mode: 0o640, Size: e.Size, ModTime: m.CreatedAt,
			Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			f.Close()
			return err
		}
		_, err = io.Copy(tw, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// writeAtomic writes path through fill: into a temporary file of the same
// directory, synced, then renamed over path, and the directory synced.
func writeAtomic(path string, fill func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o640); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// copyIfExists copies src to dst (synced); false when src does not exist.
func copyIfExists(src, dst string) (bool, error) {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer in.Close()
	return true, copyTo(in, dst)
}

// copyTo writes r into a new file dst, synced; dst must not exist.
func copyTo(r io.Reader, dst string) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

func hashFile(path string) (Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// fileDSN is a read-only, immutable SQLite URI for path (nothing written
// beside it: no -wal, no -shm).
func fileDSN(path string) string {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path) + "?mode=ro&immutable=1"
}

// WriteAtomic writes path through fill under a temporary name in the same
// folder, synced and renamed: the file is there whole or not at all (the
// dump archives of package dump are written this way too).
func WriteAtomic(path string, fill func(io.Writer) error) error { return writeAtomic(path, fill) }
