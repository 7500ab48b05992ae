package cli

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"coin/store/storetest"
)

// sqliteRows reads every table of an SQLite database (but migration and
// SQLite bookkeeping), all columns, in a stable order.
func sqliteRows(t *testing.T, path string) map[string][][]any {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	out := map[string][][]any{}
	for _, name := range names {
		rows, err := db.Query(`SELECT * FROM "` + name + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows.Close()
		rows, err = db.Query(`SELECT * FROM "` + name + `" ORDER BY ` + strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				// PostgreSQL keeps microseconds; a few callers gave SQLite
				// nanoseconds, which the dump drops.
				if tm, ok := v.(time.Time); ok {
					vals[i] = tm.UTC().Truncate(time.Microsecond)
				}
			}
			all = append(all, vals)
		}
		rows.Close()
		out[name] = append([][]any{{strings.Join(cols, ",")}}, all...)
	}
	return out
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// The demo's database, dumped from SQLite, loaded into PostgreSQL, dumped
// again and loaded into a new SQLite database, is the database it was:
// every row of every table (ids, numbers, PDFs, the accounting log,
// booleans, dates, timestamps, NULLs, accented text, addresses).
func TestDumpLoadRoundTrip(t *testing.T) {
	pg := storetest.PostgresDSN(t)
	dir := t.TempDir()
	a, c := filepath.Join(dir, "a"), filepath.Join(dir, "c")
	envA := []string{"COIN_SERVER_DATA_DIR=" + a, "COIN_BILLING_ACCOUNTING_LOG=" + filepath.Join(a, "acc.jsonl")}
	envPG := []string{"COIN_SERVER_DATA_DIR=" + filepath.Join(dir, "pg"), "COIN_DATABASE_URL=" + pg,
		"COIN_BILLING_ACCOUNTING_LOG=" + filepath.Join(dir, "pg", "acc.jsonl")}
	envC := []string{"COIN_SERVER_DATA_DIR=" + c, "COIN_BILLING_ACCOUNTING_LOG=" + filepath.Join(c, "acc.jsonl")}
	if r := run(t, "", envA, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %s", r.status, r.stderr)
	}
	db, err := sql.Open("sqlite3", filepath.Join(a, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE members SET comments = ?, resign_date = NULL WHERE id = 5`, "Zoë «ñ» ł 😀\n\"cité\"\t\\ '")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(a, "acc.jsonl"), []byte(`{"id":1}`+"\n"), 0o600)

	r := run(t, "", envA, "dump", "--output", filepath.Join(dir, "a.zip"))
	if r.status != 0 || !strings.Contains(r.stdout, "dump written to") || !strings.Contains(r.stderr, "dumped invoices") {
		t.Fatalf("dump sqlite: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", envPG, "load", "--from", filepath.Join(dir, "a.zip"))
	if r.status != 0 || !strings.Contains(r.stderr, "loaded invoices") {
		t.Fatalf("load into postgres: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", envPG, "dump", "-o", filepath.Join(dir, "b.zip"))
	if r.status != 0 || !strings.Contains(r.stdout, "from postgres") {
		t.Fatalf("dump postgres: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", envC, "load", "--from", filepath.Join(dir, "b.zip"))
	if r.status != 0 {
		t.Fatalf("load into sqlite: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(c, "acc.jsonl")); err != nil || string(b) != `{"id":1}`+"\n" {
		t.Errorf("accounting log file: %q %v", b, err)
	}

	src, got := sqliteRows(t, filepath.Join(a, "coin.db")), sqliteRows(t, filepath.Join(c, "coin.db"))
	if len(src) < 30 {
		t.Fatalf("only %d tables", len(src))
	}
	for name, rows := range src {
		if len(rows) < 2 && (name == "invoices" || name == "members" || name == "ip_allocations" || name == "accounting_log") {
			t.Errorf("the demo left %s empty", name)
		}
		if !reflect.DeepEqual(rows, got[name]) {
			t.Errorf("table %s differs after SQLite → PostgreSQL → SQLite (%d rows, then %d)", name, len(rows)-1, len(got[name])-1)
			for i := range min(len(rows), len(got[name])) {
				if !reflect.DeepEqual(rows[i], got[name][i]) {
					t.Errorf("  first difference:\n  %v\n  %v", rows[i], got[name][i])
					break
				}
			}
		}
	}
	for name := range got {
		if _, ok := src[name]; !ok {
			t.Errorf("table %s appeared", name)
		}
	}

	// The sequences go on after the ids loaded, on both databases.
	for _, env := range [][]string{envPG, envC} {
		r = run(t, "s3cret-passw0rd\n", env, "createsuperuser", "--login", "newcomer", "--email", "newcomer@example.org")
		if r.status != 0 {
			t.Fatalf("a new member after the load: %d %q %q", r.status, r.stdout, r.stderr)
		}
	}
	pdb, _ := sql.Open("pgx", pg)
	defer pdb.Close()
	var maxID, newID int64
	pdb.QueryRow(`SELECT MAX(id) FROM members WHERE login <> 'newcomer'`).Scan(&maxID)
	pdb.QueryRow(`SELECT id FROM members WHERE login = 'newcomer'`).Scan(&newID)
	if newID != maxID+1 {
		t.Errorf("new member on PostgreSQL got id %d, the highest loaded is %d", newID, maxID)
	}
}

func TestLoadRefusals(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	envA := []string{"COIN_SERVER_DATA_DIR=" + a}
	migratedDB(t, a)
	archive := filepath.Join(dir, "a.zip")
	if r := run(t, "", envA, "dump", "-o", archive); r.status != 0 {
		t.Fatalf("dump: %d %q", r.status, r.stderr)
	}
	// Into the database it came from: not empty.
	r := run(t, "", envA, "load", "--from", archive)
	if r.status != 1 || !strings.Contains(r.stderr, "not empty: members") {
		t.Fatalf("load into a non-empty database: %d %q", r.status, r.stderr)
	}
	// A truncated archive: refused before anything exists.
	raw, _ := os.ReadFile(archive)
	cut := filepath.Join(dir, "cut.zip")
	os.WriteFile(cut, raw[:len(raw)-40], 0o600)
	b := filepath.Join(dir, "b")
	r = run(t, "", []string{"COIN_SERVER_DATA_DIR=" + b}, "load", "--from", cut)
	if r.status != 1 || !strings.Contains(r.stderr, "bad archive") {
		t.Fatalf("load a truncated archive: %d %q", r.status, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(b, "coin.db")); err == nil {
		t.Fatal("a truncated archive left a database behind")
	}
	// dump without a database says so and creates none.
	r = run(t, "", []string{"COIN_SERVER_DATA_DIR=" + b}, "dump", "-o", filepath.Join(dir, "x.zip"))
	if r.status != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("dump without a database: %d %q", r.status, r.stderr)
	}
}
