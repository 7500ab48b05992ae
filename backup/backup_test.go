package backup_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coin/accountinglog"
	"coin/backup"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// addMember creates a member and, in the same transaction, its accounting
// log entry: in any consistent copy both tables have as many rows.
func addMember(ctx context.Context, st *store.Store, i int) error {
	return st.Tx(ctx, func(tx *store.Store) error {
		m := &store.Member{Login: fmt.Sprintf("m%05d", i), Role: model.RoleMember, PersonType: model.NaturalPerson,
			FirstName: "Member", LastName: fmt.Sprint(i), Email: fmt.Sprintf("m%d@example.org", i), Status: model.StatusMember}
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "member.test", MemberID: &m.ID, Actor: "test",
			Details: m.Login})
	})
}

// tableRows returns every table of db as sorted, printed rows.
// where restricts some tables to some rows.
func tableRows(t *testing.T, db *sql.DB, where map[string]string) map[string][]string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, tbl := range tables {
		q := `SELECT * FROM "` + tbl + `"`
		if w := where[tbl]; w != "" {
			q += " WHERE " + w
		}
		r, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		out[tbl] = []string{}
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[tbl] = append(out[tbl], fmt.Sprintf("%q", vals))
		}
		r.Close()
		sort.Strings(out[tbl])
	}
	return out
}

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBackupUnderWriteLoad takes a backup while a writer keeps creating
// members (each with its log entry, in one transaction), restores it, and
// checks that the restored database is the source as it was at one
// instant during the backup: the members are exactly the first k created,
// with committedBefore ≤ k ≤ startedAfter, their log entries are there
// and no others, every other table is equal, and every line of the
// accounting log file copied is in the restored database.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	dataDir := t.TempDir()
	logPath := filepath.Join(dataDir, "accounting.jsonl")
	logFile := &accountinglog.File{Path: logPath, Currency: "EUR", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	st.SetHooks(store.Hooks{Logged: logFile.Write})
	for i := 0; i < 300; i++ {
		if err := addMember(ctx, st, i); err != nil {
			t.Fatal(err)
		}
	}

	var started, committed atomic.Int64
	started.Store(300)
	committed.Store(300)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		deadline := time.Now().Add(10 * time.Second) // bounded, whatever happens
		for i := 300; time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				return
			default:
			}
			started.Add(1)
			if err := addMember(ctx, st, i); err != nil {
				writeErr = err
				return
			}
			committed.Add(1)
		}
	}()
	// Let the writer get going, then back up while it writes.
	for committed.Load() < 400 {
		time.Sleep(time.Millisecond)
	}
	archive := filepath.Join(t.TempDir(), "out", "coin.tar.gz")
	before := committed.Load()
	m, err := backup.Write(ctx, st, archive, backup.Options{AccountingLog: logPath, CoinVersion: "test"})
	after := started.Load()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	t.Logf("members committed before the backup %d, started before its end %d, at the end %d", before, after, committed.Load())
	if _, ok := m.Entry(backup.AccountingLogName); !ok || m.SchemaVersion == 0 || m.CoinVersion != "test" {
		t.Fatalf("manifest %+v", m)
	}

	target := t.TempDir()
	restored := filepath.Join(target, "coin.db")
	_, written, err := backup.Restore(ctx, archive, backup.Target{Database: restored, AccountingLog: filepath.Join(target, "acc.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 {
		t.Fatalf("written %v", written)
	}
	got := tableRows(t, open(t, restored).DB(), nil)

	k := int64(len(got["members"]))
	if k < before || k > after {
		t.Fatalf("the backup has %d members: not between %d (committed before) and %d (started before its end)", k, before, after)
	}
	// The source as it was when k members existed: the first k members
	// (ids 1..k, one writer) and their log entries.
	var n int64
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM members WHERE id <= ?`, k).Scan(&n); err != nil || n != k {
		t.Fatalf("source: %d members with id ≤ %d (%v)", n, k, err)
	}
	src := tableRows(t, st.DB(), map[string]string{"members": fmt.Sprintf("id <= %d", k),
		"accounting_log": fmt.Sprintf("member_id <= %d", k)})
	for tbl, want := range src {
		if strings.Join(got[tbl], "\n") != strings.Join(want, "\n") {
			t.Errorf("table %s: restored %d rows, source at the instant %d rows", tbl, len(got[tbl]), len(want))
		}
	}
	if len(got) != len(src) {
		t.Errorf("%d tables restored, %d in the source", len(got), len(src))
	}
	if int64(len(got["accounting_log"])) != k {
		t.Errorf("%d log entries for %d members", len(got["accounting_log"]), k)
	}
	// Every line of the copied log file has its entry in the copy.
	f, err := os.Open(filepath.Join(target, "acc.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rdb := open(t, restored).DB()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		var rec struct{ ID int64 }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		var one int
		if err := rdb.QueryRow(`SELECT 1 FROM accounting_log WHERE id = ?`, rec.ID).Scan(&one); err != nil {
			t.Fatalf("log file line of entry %d: not in the restored database: %v", rec.ID, err)
		}
	}
	if lines < int(before) {
		t.Fatalf("log file copy: %d lines, %d entries committed before", lines, before)
	}
}

func TestRestoreRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	addMember(ctx, st, 1)
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Write(ctx, st, archive, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "coin.db")
	os.WriteFile(db, []byte("precious"), 0o600)
	if _, _, err := backup.Restore(ctx, archive, backup.Target{Database: db}); !errors.Is(err, backup.ErrExists) {
		t.Fatalf("restore over a database: %v", err)
	}
	if b, _ := os.ReadFile(db); string(b) != "precious" {
		t.Fatal("the existing database was touched")
	}
	// A leftover -wal counts as a database too.
	os.Remove(db)
	os.WriteFile(db+"-wal", nil, 0o600)
	if _, _, err := backup.Restore(ctx, archive, backup.Target{Database: db}); !errors.Is(err, backup.ErrExists) {
		t.Fatalf("restore over a -wal: %v", err)
	}
	os.Remove(db + "-wal")
	if _, _, err := backup.Restore(ctx, archive, backup.Target{Database: db}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data directory after restore: %v", entries)
	}
	if n, _ := open(t, db).CountMembers(ctx, ""); n != 1 {
		t.Fatalf("%d members restored", n)
	}
}

func TestVerifyDetectsCorruption(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	for i := 0; i < 50; i++ {
		addMember(ctx, st, i)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Write(ctx, st, archive, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Verify(ctx, archive); err != nil {
		t.Fatalf("a sound archive: %v", err)
	}
	raw, _ := os.ReadFile(archive)
	// Flip a byte in the middle (compressed data), and one near the end
	// (the gzip trailer's CRC): both must be caught.
	for _, at := range []int{len(raw) / 2, len(raw) - 6} {
		bad := append([]byte(nil), raw...)
		bad[at] ^= 0x40
		p := filepath.Join(t.TempDir(), "bad.tar.gz")
		os.WriteFile(p, bad, 0o600)
		if _, err := backup.Verify(ctx, p); err == nil {
			t.Errorf("byte %d of %d flipped: the archive passes", at, len(raw))
		} else {
			t.Logf("byte %d flipped: %v", at, err)
		}
		target := filepath.Join(t.TempDir(), "coin.db")
		if _, _, err := backup.Restore(ctx, p, backup.Target{Database: target}); err == nil {
			t.Errorf("byte %d flipped: restored", at)
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("byte %d flipped: a database was written", at)
		}
	}
	if _, err := backup.Verify(ctx, filepath.Join(t.TempDir(), "none.tar.gz")); err == nil {
		t.Error("a missing file passes")
	}
	notArchive := filepath.Join(t.TempDir(), "x.tar.gz")
	os.WriteFile(notArchive, []byte("hello"), 0o600)
	if _, err := backup.Verify(ctx, notArchive); err == nil || !strings.Contains(err.Error(), "not a coin backup") {
		t.Errorf("not an archive: %v", err)
	}
}

func TestRotationKeepsDailyAndWeekly(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	addMember(ctx, st, 1)
	dir := t.TempDir()
	r := backup.Rotation{Dir: dir, KeepDaily: 7, KeepWeekly: 4}
	day := date.MustParse("2026-01-01") // a Thursday
	var last date.Date
	for i := 0; i < 60; i++ {
		d := day.AddDays(i)
		// The clock of the manifest follows the simulated day.
		o := backup.Options{Now: func() time.Time { return d.Time().Add(3 * time.Hour) }}
		if _, err := r.Run(ctx, st, d, false, o); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 { // a second run the same day changes nothing
			if _, err := r.Run(ctx, st, d, false, o); err != nil {
				t.Fatal(err)
			}
		}
		last = d
	}
	daily := names(t, filepath.Join(dir, "daily"))
	weekly := names(t, filepath.Join(dir, "weekly"))
	var wantDaily []string
	for i := 6; i >= 0; i-- {
		wantDaily = append(wantDaily, backup.DailyName(last.AddDays(-i)))
	}
	// 2026-03-01 is the Sunday ending week 9.
	wantWeekly := []string{"coin-2026-W06.tar.gz", "coin-2026-W07.tar.gz", "coin-2026-W08.tar.gz", "coin-2026-W09.tar.gz"}
	if strings.Join(daily, " ") != strings.Join(wantDaily, " ") {
		t.Errorf("daily: %v, want %v", daily, wantDaily)
	}
	if strings.Join(weekly, " ") != strings.Join(wantWeekly, " ") {
		t.Errorf("weekly: %v, want %v", weekly, wantWeekly)
	}
	// A past week's copy is its last day's backup.
	m, err := backup.Verify(ctx, filepath.Join(dir, "weekly", "coin-2026-W07.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.CreatedAt.Format("2006-01-02"); got != "2026-02-15" {
		t.Errorf("week 7's copy was taken on %s, want Sunday 2026-02-15", got)
	}
	// A dry run removes nothing and names what would go.
	res, err := r.Run(ctx, st, last.AddDays(1), true, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// (2026-03-02 starts week 10: week 6 would go.)
	if len(res.Removed) != 2 || filepath.Base(res.Removed[0]) != wantDaily[0] || filepath.Base(res.Removed[1]) != wantWeekly[0] {
		t.Errorf("dry run would remove %v", res.Removed)
	}
	if got := names(t, filepath.Join(dir, "daily")); len(got) != 7 {
		t.Errorf("after the dry run: %v", got)
	}
}

// names lists dir, temporary files included (there must be none left).
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestVerifyRefusesUnknownSchema(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	latest, err := store.LatestMigration(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE schema_migrations SET version = ?`, latest+1); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	m, err := backup.Write(ctx, st, archive, backup.Options{CoinVersion: "v99"})
	if err != nil || m.SchemaVersion != latest+1 {
		t.Fatalf("write: %v %+v", err, m)
	}
	if _, err := backup.Verify(ctx, archive); err == nil || !strings.Contains(err.Error(), "newer than this coin knows") {
		t.Fatalf("a backup of a newer schema: %v", err)
	}
	target := filepath.Join(t.TempDir(), "coin.db")
	if _, _, err := backup.Restore(ctx, archive, backup.Target{Database: target}); err == nil {
		t.Fatal("a backup of a newer schema was restored")
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a database was written")
	}
}
