package dump

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"coin/store"
)

// querier is a transaction or a connection.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// table is a table as the catalogue describes it.
type table struct {
	Name    string
	Columns []tcolumn
	PK      []string
	Refs    []string // tables its foreign keys point to
	// Serial is the integer primary key column fed by a counter
	// (AUTOINCREMENT, identity or serial); "" when none.
	Serial string
}

type tcolumn struct {
	Name string
	Type string // portable type
}

func (t *table) column(name string) (tcolumn, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return tcolumn{}, false
}

// bookkeeping are the tables no archive holds: golang-migrate's, and
// SQLite's own (sqlite_sequence is carried as TableEntry.Sequence).
func bookkeeping(name string) bool {
	return name == "schema_migrations" || strings.HasPrefix(name, "sqlite_")
}

// catalog lists the tables of the database in foreign key order: a table
// comes after every table it refers to.
func catalog(ctx context.Context, q querier, d store.Dialect) ([]*table, error) {
	var tables []*table
	var err error
	if d == store.Postgres {
		tables, err = pgCatalog(ctx, q)
	} else {
		tables, err = sqliteCatalog(ctx, q)
	}
	if err != nil {
		return nil, fmt.Errorf("read the catalogue: %w", err)
	}
	return fkOrder(tables)
}

func sqliteCatalog(ctx context.Context, q querier) ([]*table, error) {
	names, err := strings1(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []*table
	for _, name := range names {
		if bookkeeping(name) {
			continue
		}
		t := &table{Name: name}
		rows, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, name)
		if err != nil {
			return nil, err
		}
		pk := map[int]string{}
		for rows.Next() {
			var col, decl string
			var pos int
			if err := rows.Scan(&col, &decl, &pos); err != nil {
				rows.Close()
				return nil, err
			}
			typ, err := sqliteType(decl)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s.%s: %w", name, col, err)
			}
			t.Columns = append(t.Columns, tcolumn{Name: col, Type: typ})
			if pos > 0 {
				pk[pos] = col
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i := 1; i <= len(pk); i++ {
			t.PK = append(t.PK, pk[i])
		}
		if t.Refs, err = strings1(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
			return nil, err
		}
		if len(t.PK) == 1 {
			if c, _ := t.column(t.PK[0]); c.Type == TInteger {
				// An INTEGER PRIMARY KEY is the rowid: SQLite numbers it.
				t.Serial = t.PK[0]
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// sqliteType maps a declared type to a portable one, by SQLite's affinity
// rules refined with the names coin's migrations use.
func sqliteType(decl string) (string, error) {
	u := strings.ToUpper(decl)
	switch {
	case strings.Contains(u, "BOOL"):
		return TBoolean, nil
	case strings.Contains(u, "TIMESTAMP"), strings.Contains(u, "DATETIME"):
		return TTimestamp, nil
	case u == "DATE":
		return TDate, nil
	case strings.Contains(u, "INT"):
		return TInteger, nil
	case strings.Contains(u, "CHAR"), strings.Contains(u, "CLOB"), strings.Contains(u, "TEXT"):
		return TText, nil
	case strings.Contains(u, "BLOB"), u == "":
		return TBlob, nil
	case strings.Contains(u, "REAL"), strings.Contains(u, "FLOA"), strings.Contains(u, "DOUB"):
		return TReal, nil
	}
	return "", fmt.Errorf("unsupported column type %q", decl)
}

func pgCatalog(ctx context.Context, q querier) ([]*table, error) {
	names, err := strings1(ctx, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	byName := map[string]*table{}
	var out []*table
	for _, n := range names {
		if bookkeeping(n) {
			continue
		}
		t := &table{Name: n}
		byName[n] = t
		out = append(out, t)
	}
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_identity,
		COALESCE(column_default, '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	serial := map[string]string{} // table → identity or serial column
	for rows.Next() {
		var tn, col, dt, ident, def string
		if err := rows.Scan(&tn, &col, &dt, &ident, &def); err != nil {
			rows.Close()
			return nil, err
		}
		t := byName[tn]
		if t == nil {
			continue
		}
		typ, err := pgType(dt)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s.%s: %w", tn, col, err)
		}
		t.Columns = append(t.Columns, tcolumn{Name: col, Type: typ})
		if ident == "YES" || strings.HasPrefix(def, "nextval(") {
			serial[tn] = col
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT kcu.table_name, kcu.column_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema
			AND kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
		WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
		ORDER BY kcu.table_name, kcu.ordinal_position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tn, col string
		if err := rows.Scan(&tn, &col); err != nil {
			rows.Close()
			return nil, err
		}
		if t := byName[tn]; t != nil {
			t.PK = append(t.PK, col)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT a.relname, b.relname FROM pg_constraint c
		JOIN pg_class a ON a.oid = c.conrelid JOIN pg_class b ON b.oid = c.confrelid
		WHERE c.contype = 'f' AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			rows.Close()
			return nil, err
		}
		if t := byName[from]; t != nil {
			t.Refs = append(t.Refs, to)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range out {
		if c := serial[t.Name]; c != "" && len(t.PK) == 1 && t.PK[0] == c {
			t.Serial = c
		}
	}
	return out, nil
}

func pgType(dataType string) (string, error) {
	switch dataType {
	case "bigint", "integer", "smallint":
		return TInteger, nil
	case "boolean":
		return TBoolean, nil
	case "double precision", "real":
		return TReal, nil
	case "text", "character varying", "character":
		return TText, nil
	case "bytea":
		return TBlob, nil
	case "timestamp with time zone", "timestamp without time zone":
		return TTimestamp, nil
	case "date":
		return TDate, nil
	case "inet":
		return TInet, nil
	case "cidr":
		return TCIDR, nil
	}
	return "", fmt.Errorf("unsupported column type %q", dataType)
}

// fkOrder sorts tables so that each comes after the tables it refers to
// (ties by name, for a stable archive). A table referring to itself
// (a credit note to its invoice) is loaded in primary key order, in which
// the row referred to comes first.
func fkOrder(tables []*table) ([]*table, error) {
	byName := map[string]*table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	done := map[string]bool{}
	var out []*table
	for len(out) < len(tables) {
		var ready []*table
		for _, t := range tables {
			if done[t.Name] {
				continue
			}
			ok := true
			for _, r := range t.Refs {
				if r != t.Name && byName[r] != nil && !done[r] {
					ok = false
					break
				}
			}
			if ok {
				ready = append(ready, t)
			}
		}
		if len(ready) == 0 {
			var left []string
			for _, t := range tables {
				if !done[t.Name] {
					left = append(left, t.Name)
				}
			}
			return nil, fmt.Errorf("foreign keys form a cycle between %s", strings.Join(left, ", "))
		}
		sort.Slice(ready, func(i, j int) bool { return ready[i].Name < ready[j].Name })
		for _, t := range ready {
			done[t.Name] = true
		}
		out = append(out, ready...)
	}
	return out, nil
}

func strings1(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quote quotes an identifier for both dialects.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
