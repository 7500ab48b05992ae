package dump

import (
	"archive/zip"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"coin/backup"
	"coin/store"
)

// Options say what goes into a dump besides the database.
type Options struct {
	// AccountingLog is the billing.accounting_log file; "" or a file that
	// does not exist: none.
	AccountingLog string
	CoinVersion   string
	// Progress, when set, gets a line per table (stderr for the command).
	Progress io.Writer
	// Now is the manifest's clock; nil: time.Now.
	Now func() time.Time
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Write dumps the database of st into the archive out, atomically (out is
// there whole or not at all). Every table is read in one read-only
// transaction, a snapshot: the archive is the database at one instant,
// while writers (a running `coin serve`) go on.
func Write(ctx context.Context, st *store.Store, out string, o Options) (*Manifest, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Manifest{Format: Format, CoinVersion: o.CoinVersion, Dialect: string(st.Dialect())}
	err := backup.WriteAtomic(out, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		// Most of the bytes are invoice PDFs, compressed already: the
		// fastest level saves about as much (base64's overhead) in a
		// fraction of the time.
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		// The log file before the snapshot: every line it holds was
		// committed, so has its row in the archive (the table is the
		// reference; later lines are in the next dump).
		if err := addLogFile(zw, m, o.AccountingLog); err != nil {
			return err
		}
		m.CreatedAt = o.Now().UTC().Format(time.RFC3339)
		if err := snapshot(ctx, st, func(q querier) error { return writeTables(ctx, q, st.Dialect(), zw, m, o) }); err != nil {
			return err
		}
		mw, err := zw.Create(ManifestName)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(mw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("dump: %w", err)
	}
	return m, nil
}

// snapshot runs fn in one read-only transaction that sees one instant of
// the database. On SQLite it is a deferred transaction on one connection
// (the store's own transactions take the write lock at BEGIN, which would
// stop every writer for the whole dump); WAL gives it its snapshot at its
// first read. On PostgreSQL, REPEATABLE READ.
func snapshot(ctx context.Context, st *store.Store, fn func(q querier) error) error {
	if st.Dialect() == store.Postgres {
		tx, err := st.DB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return fmt.Errorf("begin snapshot: %w", err)
		}
		defer tx.Rollback()
		return fn(tx)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return fn(conn)
}

func addLogFile(zw *zip.Writer, m *Manifest, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("accounting log: %w", err)
	}
	defer f.Close()
	w, err := zw.Create(AccountingLogName)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), f)
	if err != nil {
		return fmt.Errorf("accounting log: %w", err)
	}
	m.AccountingLog = &FileEntry{Name: AccountingLogName, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	return nil
}

func writeTables(ctx context.Context, q querier, d store.Dialect, zw *zip.Writer, m *Manifest, o Options) error {
	v, err := schemaVersion(ctx, q)
	if err != nil {
		return err
	}
	m.SchemaVersion = v
	tables, err := catalog(ctx, q, d)
	if err != nil {
		return err
	}
	seqs, err := sequences(ctx, q, d, tables)
	if err != nil {
		return err
	}
	for _, t := range tables {
		e := TableEntry{Name: t.Name}
		for _, c := range t.Columns {
			e.Columns = append(e.Columns, Column(c))
		}
		if s, ok := seqs[t.Name]; ok {
			e.Sequence = &s
		}
		w, err := zw.Create(entryName(t.Name))
		if err != nil {
			return err
		}
		h := sha256.New()
		if e.Rows, err = writeRows(ctx, q, d, t, io.MultiWriter(w, h)); err != nil {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
		e.SHA256 = hex.EncodeToString(h.Sum(nil))
		m.Tables = append(m.Tables, e)
		o.progress("dumped %-32s %9d rows", t.Name, e.Rows)
	}
	return nil
}

// schemaVersion reads golang-migrate's record inside the snapshot.
func schemaVersion(ctx context.Context, q querier) (uint, error) {
	var v int64
	var dirty bool
	err := q.QueryRowContext(ctx, `SELECT version, dirty FROM schema_migrations`).Scan(&v, &dirty)
	if err != nil {
		return 0, fmt.Errorf("read the schema version (is the database migrated?): %w", err)
	}
	if dirty {
		return 0, fmt.Errorf("the schema is dirty at version %d (a migration failed half-way)", v)
	}
	return uint(v), nil
}

// sequences reads the highest id each table's counter handed out.
func sequences(ctx context.Context, q querier, d store.Dialect, tables []*table) (map[string]int64, error) {
	out := map[string]int64{}
	if d == store.SQLite {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&n); err != nil || n == 0 {
			return out, err
		}
		rows, err := q.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var seq int64
			if err := rows.Scan(&name, &seq); err != nil {
				return nil, err
			}
			out[name] = seq
		}
		return out, rows.Err()
	}
	for _, t := range tables {
		if t.Serial == "" {
			continue
		}
		var seq sql.NullString
		if err := q.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, quote(t.Name), t.Serial).Scan(&seq); err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", t.Name, err)
		}
		if !seq.Valid {
			continue
		}
		var last int64
		var called bool
		if err := q.QueryRowContext(ctx, `SELECT last_value, is_called FROM `+seq.String).Scan(&last, &called); err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", t.Name, err)
		}
		if !called {
			last--
		}
		out[t.Name] = last
	}
	return out, nil
}

// writeRows writes the table's rows, a JSON array each, in primary key
// order, and counts them.
func writeRows(ctx context.Context, q querier, d store.Dialect, t *table, w io.Writer) (int64, error) {
	sel := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		sel[i] = quote(c.Name)
		if d == store.Postgres && (c.Type == TInet || c.Type == TCIDR) {
			sel[i] += "::text"
		}
	}
	order := t.PK
	if len(order) == 0 {
		order = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			order[i] = c.Name
		}
	}
	for i := range order {
		order[i] = quote(order[i])
	}
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+quote(t.Name)+
		` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	line := make([]any, len(t.Columns))
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.Columns {
			if line[i], err = encode(c.Type, vals[i]); err != nil {
				return n, fmt.Errorf("row %d, column %s: %w", n+1, c.Name, err)
			}
		}
		b, err := json.Marshal(line)
		if err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// hashingReader counts and hashes what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (h *hashingReader) sum() string { return hex.EncodeToString(h.h.Sum(nil)) }
