package dump

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"coin/backup"
	"coin/store"
)

// Archive is an archive opened and verified by Open.
type Archive struct {
	Manifest *Manifest
	zr       *zip.ReadCloser
	files    map[string]*zip.File
}

// maxLine bounds one row of the archive (a PDF in base64 fits many times).
const maxLine = 256 << 20

// Open opens the archive at path and verifies all of it before anything
// is written anywhere: the manifest (format), and for every table its
// entry, size of each row against its columns, row count and sha256, and
// the accounting log's. A truncated or altered archive is refused here.
func Open(path string) (*Archive, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, badArchive("%s: %v (not a whole coin dump: truncated, or another kind of file?)", path, err)
	}
	a := &Archive{zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		a.files[f.Name] = f
	}
	if err := a.verify(); err != nil {
		zr.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the archive file.
func (a *Archive) Close() error { return a.zr.Close() }

func (a *Archive) verify() error {
	mf := a.files[ManifestName]
	if mf == nil {
		return badArchive("no %s: this is not a coin dump", ManifestName)
	}
	r, err := mf.Open()
	if err != nil {
		return badArchive("%s: %v", ManifestName, err)
	}
	defer r.Close()
	var m Manifest
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return badArchive("%s: %v", ManifestName, err)
	}
	if m.Format != Format {
		return badArchive("archive format %d: this coin reads format %d only", m.Format, Format)
	}
	if m.Dialect != string(store.SQLite) && m.Dialect != string(store.Postgres) {
		return badArchive("unknown source dialect %q", m.Dialect)
	}
	a.Manifest = &m
	for i := range m.Tables {
		if err := a.verifyTable(&m.Tables[i]); err != nil {
			return err
		}
	}
	if e := m.AccountingLog; e != nil {
		h, err := a.hashEntry(e.Name)
		if err != nil {
			return err
		}
		if h.n != e.Size || h.sum() != e.SHA256 {
			return badArchive("%s: size or sha256 differs from the manifest", e.Name)
		}
	}
	return nil
}

func (a *Archive) hashEntry(name string) (*hashingReader, error) {
	f := a.files[name]
	if f == nil {
		return nil, badArchive("%s is missing", name)
	}
	r, err := f.Open()
	if err != nil {
		return nil, badArchive("%s: %v", name, err)
	}
	defer r.Close()
	h := newHashingReader(r)
	if _, err := io.Copy(io.Discard, h); err != nil {
		return nil, badArchive("%s: %v", name, err)
	}
	return h, nil
}

func (a *Archive) verifyTable(e *TableEntry) error {
	var n int64
	h, err := a.eachRow(e, func(row []any) error {
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n != e.Rows || h.sum() != e.SHA256 {
		return badArchive("table %s: %d rows and sha256 %s, the manifest says %d rows and %s",
			e.Name, n, h.sum(), e.Rows, e.SHA256)
	}
	return nil
}

// eachRow decodes the rows of a table's entry, checking each has one
// value per column.
func (a *Archive) eachRow(e *TableEntry, fn func(row []any) error) (*hashingReader, error) {
	name := entryName(e.Name)
	f := a.files[name]
	if f == nil {
		return nil, badArchive("%s is missing", name)
	}
	r, err := f.Open()
	if err != nil {
		return nil, badArchive("%s: %v", name, err)
	}
	defer r.Close()
	h := newHashingReader(r)
	sc := bufio.NewScanner(h)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var row []any
		if err := dec.Decode(&row); err != nil {
			return nil, badArchive("%s line %d: %v", name, line, err)
		}
		if len(row) != len(e.Columns) {
			return nil, badArchive("%s line %d: %d values for %d columns", name, line, len(row), len(e.Columns))
		}
		if err := fn(row); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, badArchive("%s: %v", name, err)
	}
	return h, nil
}

// LoadOptions say where the files besides the database go.
type LoadOptions struct {
	// AccountingLog is the billing.accounting_log file: written from the
	// archive when it does not exist yet; "" leaves the archive's copy out.
	AccountingLog string
	// Progress, when set, gets a line per table.
	Progress io.Writer
}

func (o LoadOptions) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Load loads the archive into the database of st, which must be empty:
// no row in any table, and a schema no newer than the archive's. It
// migrates the database to the archive's schema version, then inserts
// every table in foreign key order, ids and all, in one transaction
// (nothing is loaded if anything fails), and sets the id counters past
// the highest id. Triggers that freeze validated invoices and the
// accounting log are off while their rows go in (they are the source's
// rows, frozen there already).
func (a *Archive) Load(ctx context.Context, st *store.Store, o LoadOptions) error {
	m := a.Manifest
	d := st.Dialect()
	if !store.KnownMigration(d, m.SchemaVersion) {
		latest, _ := store.LatestMigration(d)
		return fmt.Errorf("the archive is at schema %d, which this coin does not know (it knows up to %d): load it with the coin that dumped it (%s) or a newer one",
			m.SchemaVersion, latest, m.CoinVersion)
	}
	status, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if status.Dirty {
		return fmt.Errorf("the target database's schema is dirty at version %d: start from a new, empty database", status.Current)
	}
	if status.Current > m.SchemaVersion {
		return fmt.Errorf("the target database is at schema %d, newer than the archive's %d: load into a new, empty database (coin load migrates it), then let `coin serve` migrate",
			status.Current, m.SchemaVersion)
	}
	if err := checkEmpty(ctx, st); err != nil {
		return err
	}
	if status.Current < m.SchemaVersion {
		o.progress("migrating the target database to schema %d", m.SchemaVersion)
		if err := st.MigrateTo(ctx, m.SchemaVersion); err != nil {
			return err
		}
	}
	if err := a.loadTx(ctx, st, o); err != nil {
		return fmt.Errorf("load: %w (nothing was loaded)", err)
	}
	return a.restoreLog(o)
}

// checkEmpty refuses a database holding any row.
func checkEmpty(ctx context.Context, st *store.Store) error {
	tables, err := catalog(ctx, st.DB(), st.Dialect())
	if err != nil {
		return err
	}
	var full []string
	for _, t := range tables {
		var one int
		err := st.DB().QueryRowContext(ctx, `SELECT 1 FROM `+quote(t.Name)+` LIMIT 1`).Scan(&one)
		if err == nil {
			full = append(full, t.Name)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w: %s hold rows; coin load writes only into a new, empty database", ErrNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

func (a *Archive) loadTx(ctx context.Context, st *store.Store, o LoadOptions) error {
	d := st.Dialect()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tables, err := catalog(ctx, tx, d)
	if err != nil {
		return err
	}
	byName := map[string]*table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	for _, e := range a.Manifest.Tables {
		if byName[e.Name] == nil {
			return fmt.Errorf("the archive has a table %s that the target schema lacks", e.Name)
		}
	}
	restore, err := suspendTriggers(ctx, tx, d)
	if err != nil {
		return err
	}
	for _, t := range tables {
		e, ok := a.Manifest.Table(t.Name)
		if !ok {
			o.progress("table %s is not in the archive: left empty", t.Name)
			continue
		}
		if err := a.loadTable(ctx, tx, d, t, e, o); err != nil {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
	}
	if err := restore(); err != nil {
		return err
	}
	if err := setSequences(ctx, tx, d, tables, a.Manifest); err != nil {
		return err
	}
	return tx.Commit()
}

// suspendTriggers turns the user triggers off for the transaction and
// returns what turns them on again. SQLite cannot disable a trigger: they
// are dropped and created again, inside the transaction. On PostgreSQL
// DISABLE TRIGGER USER leaves the foreign key checks on.
func suspendTriggers(ctx context.Context, tx *sql.Tx, d store.Dialect) (func() error, error) {
	if d == store.SQLite {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return nil, err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
		if err != nil {
			return nil, err
		}
		var names, defs []string
		for rows.Next() {
			var n, s string
			if err := rows.Scan(&n, &s); err != nil {
				rows.Close()
				return nil, err
			}
			names, defs = append(names, n), append(defs, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, n := range names {
			if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+quote(n)); err != nil {
				return nil, fmt.Errorf("suspend trigger %s: %w", n, err)
			}
		}
		return func() error {
			for i, s := range defs {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("restore trigger %s: %w", names[i], err)
				}
			}
			return nil
		}, nil
	}
	tables, err := stringsTx(ctx, tx, `SELECT DISTINCT event_object_table FROM information_schema.triggers
		WHERE trigger_schema = current_schema() ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quote(t)+` DISABLE TRIGGER USER`); err != nil {
			return nil, fmt.Errorf("suspend the triggers of %s: %w", t, err)
		}
	}
	return func() error {
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quote(t)+` ENABLE TRIGGER USER`); err != nil {
				return fmt.Errorf("restore the triggers of %s: %w", t, err)
			}
		}
		return nil
	}, nil
}

func stringsTx(ctx context.Context, tx *sql.Tx, q string) ([]string, error) {
	return strings1(ctx, tx, q)
}

// batchRows is how many rows one INSERT carries.
const batchRows = 100

func (a *Archive) loadTable(ctx context.Context, tx *sql.Tx, d store.Dialect, t *table, e *TableEntry, o LoadOptions) error {
	to := make([]string, len(e.Columns))
	names := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		tc, ok := t.column(c.Name)
		if !ok {
			return fmt.Errorf("the archive has a column %s that the target table lacks", c.Name)
		}
		to[i], names[i] = tc.Type, quote(c.Name)
	}
	perStmt := max(1, min(batchRows, 30000/max(1, len(names))))
	prefix := `INSERT INTO ` + quote(t.Name) + ` (` + strings.Join(names, ", ") + `) VALUES `
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	var args []any
	var n, pending int64
	flush := func() error {
		if pending == 0 {
			return nil
		}
		k := int(pending)
		s := stmts[k]
		if s == nil {
			var err error
			if s, err = tx.PrepareContext(ctx, prefix+placeholders(d, k, len(names))); err != nil {
				return err
			}
			stmts[k] = s
		}
		if _, err := s.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("rows %d to %d: %w", n-pending+1, n, err)
		}
		args, pending = args[:0], 0
		return nil
	}
	_, err := a.eachRow(e, func(row []any) error {
		n++
		for i, raw := range row {
			v, err := decode(e.Columns[i].Type, to[i], raw)
			if err != nil {
				return fmt.Errorf("row %d, column %s: %w", n, e.Columns[i].Name, err)
			}
			args = append(args, v)
		}
		pending++
		if pending == int64(perStmt) {
			if err := flush(); err != nil {
				return err
			}
		}
		if n%10000 == 0 {
			o.progress("loading %s: %d of %d rows", t.Name, n, e.Rows)
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	o.progress("loaded %-32s %9d rows", t.Name, n)
	return nil
}

// placeholders writes rows groups of cols placeholders: (?, ?), (?, ?)…
// or $1, $2… on PostgreSQL.
func placeholders(d store.Dialect, rows, cols int) string {
	var b strings.Builder
	k := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			k++
			if d == store.Postgres {
				b.WriteString("$" + strconv.Itoa(k))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// setSequences sets each id counter so that the next id is past both the
// highest id loaded and the highest the source had handed out.
func setSequences(ctx context.Context, tx *sql.Tx, d store.Dialect, tables []*table, m *Manifest) error {
	for _, t := range tables {
		if t.Serial == "" {
			continue
		}
		var top int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(`+quote(t.Serial)+`), 0) FROM `+quote(t.Name)).Scan(&top); err != nil {
			return fmt.Errorf("highest id of %s: %w", t.Name, err)
		}
		if e, ok := m.Table(t.Name); ok && e.Sequence != nil {
			top = max(top, *e.Sequence)
		}
		if d == store.SQLite {
			if err := sqliteSequence(ctx, tx, t.Name, top); err != nil {
				return err
			}
			continue
		}
		var seq sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, quote(t.Name), t.Serial).Scan(&seq); err != nil {
			return fmt.Errorf("sequence of %s: %w", t.Name, err)
		}
		if !seq.Valid {
			continue
		}
		var err error
		if top < 1 {
			_, err = tx.ExecContext(ctx, `SELECT setval($1, 1, false)`, seq.String)
		} else {
			_, err = tx.ExecContext(ctx, `SELECT setval($1, $2, true)`, seq.String, top)
		}
		if err != nil {
			return fmt.Errorf("reset the sequence of %s: %w", t.Name, err)
		}
	}
	return nil
}

// sqliteSequence raises an AUTOINCREMENT table's counter to top (SQLite
// already keeps it at the highest id inserted).
func sqliteSequence(ctx context.Context, tx *sql.Tx, name string, top int64) error {
	var autoinc int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?
		AND UPPER(sql) LIKE '%AUTOINCREMENT%'`, name).Scan(&autoinc)
	if err != nil || autoinc == 0 || top < 1 {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?`, top, name)
	if err != nil {
		return fmt.Errorf("counter of %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, name, top); err != nil {
			return fmt.Errorf("counter of %s: %w", name, err)
		}
	}
	return nil
}

// restoreLog writes the archive's copy of the accounting log file where
// billing.accounting_log says, unless a file is there already (moving
// dialects on one machine keeps the same file).
func (a *Archive) restoreLog(o LoadOptions) error {
	e := a.Manifest.AccountingLog
	if e == nil || o.AccountingLog == "" {
		return nil
	}
	if _, err := os.Stat(o.AccountingLog); err == nil {
		o.progress("accounting log %s exists: left as it is", o.AccountingLog)
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("accounting log: %w", err)
	}
	r, err := a.files[e.Name].Open()
	if err != nil {
		return err
	}
	defer r.Close()
	err = os.MkdirAll(filepath.Dir(o.AccountingLog), 0o750)
	if err == nil {
		err = backup.WriteAtomic(o.AccountingLog, func(w io.Writer) error {
			_, err := io.Copy(w, r)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("the database is loaded, but the accounting log file %s could not be written (%w): extract it with `unzip -p ARCHIVE %s`",
			o.AccountingLog, err, e.Name)
	}
	o.progress("accounting log written to %s", o.AccountingLog)
	return nil
}
