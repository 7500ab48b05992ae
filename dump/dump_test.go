package dump

import (
	"archive/zip"
	"bytes"
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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func member(t *testing.T, st *store.Store, login string) int64 {
	t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		LastName: "Ñúñez", Email: login + "@example.org", Status: model.StatusMember}
	if err := st.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// pay records a payment and its log entry in one transaction, as billing does.
func pay(ctx context.Context, st *store.Store, memberID int64, cents int64) error {
	return st.Tx(ctx, func(tx *store.Store) error {
		p := &store.Payment{MemberID: memberID, Method: model.PayTransfer, Date: date.MustParse("2026-12-01"),
			AmountCents: cents, Label: "virement n° " + strings.Repeat("é", int(cents%7))}
		if err := tx.CreatePayment(ctx, p); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "payment.created", MemberID: &memberID,
			PaymentID: &p.ID, AmountCents: cents, Actor: "test"})
	})
}

func count(t *testing.T, st *store.Store, q string) int64 {
	t.Helper()
	var n int64
	if err := st.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A dump taken while payments are being written is one instant of the
// database: each payment it holds has its log entry, and the load gives
// exactly the rows the manifest counts.
func TestDumpWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		id := member(t, st, "zoe")
		err := st.Tx(ctx, func(tx *store.Store) error {
			for i := range 300 {
				if err := pay(ctx, tx, id, int64(100+i)); err != nil {
					return err
				}
			}
			// Dumped between the log and the payments: the writer commits
			// many payments while these are read.
			for range 2000 {
				if err := tx.QueueMessage(ctx, &store.Message{Kind: "test", To: "zoe@example.org", From: "coin@example.org",
					Subject: "Réf", TextBody: strings.Repeat("ü", 2500)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var written atomic.Int64
		written.Store(300)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := pay(ctx, st, id, int64(1+i)); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
		out := filepath.Join(t.TempDir(), "coin.zip")
		var m *Manifest
		for attempt := 0; ; attempt++ {
			before := written.Load()
			m, err = Write(ctx, st, out, Options{CoinVersion: "test"})
			after := written.Load()
			if err != nil {
				close(stop)
				t.Fatal(err)
			}
			p, _ := m.Table("payments")
			if p.Rows < before || p.Rows > after+1 {
				t.Errorf("dump holds %d payments, %d were committed before it began and %d after it ended", p.Rows, before, after)
			}
			if after > before || attempt == 20 {
				break
			}
		}
		close(stop)
		wg.Wait()
		if total := count(t, st, `SELECT COUNT(*) FROM payments`); total <= 300 {
			t.Fatalf("the writer wrote nothing (%d payments)", total)
		}

		a, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		// Into each dialect: the rows are the source's as they were at the
		// dump's instant (the writer only adds rows, so the source then is
		// its rows up to the highest id the dump holds).
		storetest.Each(t, func(t *testing.T, target *store.Store) {
			if err := a.Load(ctx, target, LoadOptions{}); err != nil {
				t.Fatal(err)
			}
			p, _ := m.Table("payments")
			l, _ := m.Table("accounting_log")
			if got := count(t, target, `SELECT COUNT(*) FROM payments`); got != p.Rows || l.Rows != p.Rows {
				t.Errorf("loaded %d payments, manifest %d payments and %d log entries", got, p.Rows, l.Rows)
			}
			if n := count(t, target, `SELECT COUNT(*) FROM payments p WHERE NOT EXISTS
				(SELECT 1 FROM accounting_log l WHERE l.payment_id = p.id)`); n != 0 {
				t.Errorf("%d payments without their log entry: the dump is not one instant", n)
			}
			for _, q := range []string{
				`SELECT id, member_id, amount_cents, label, payment_date, created_at FROM payments WHERE id <= ? ORDER BY id`,
				`SELECT id, at, operation, payment_id, amount_cents, actor FROM accounting_log WHERE id <= ? ORDER BY id`,
				`SELECT id, login, first_name, last_name, email, created_at FROM members WHERE id <= ? ORDER BY id`,
			} {
				top := count(t, target, `SELECT MAX(id) FROM payments`)
				want, got := rowsOf(t, st, q, top), rowsOf(t, target, q, top)
				if len(got) != len(want) {
					t.Errorf("%s: %d rows loaded, %d in the source up to id %d", q, len(got), len(want), top)
					continue
				}
				for i := range want {
					if want[i] != got[i] {
						t.Errorf("row differs:\n source %s\n loaded %s", want[i], got[i])
						break
					}
				}
			}
		})
	})
}

// rowsOf prints the rows of q (one ? for a top id) the same way whatever
// the dialect: times in UTC, dates as days.
func rowsOf(t *testing.T, st *store.Store, q string, top int64) []string {
	t.Helper()
	if st.Dialect() == store.Postgres {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := st.DB().Query(q, top)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			switch x := v.(type) {
			case time.Time:
				b.WriteString(x.UTC().Format(time.RFC3339Nano))
			case []byte:
				b.WriteString(string(x))
			default:
				fmt.Fprint(&b, x)
			}
			b.WriteString("|")
		}
		out = append(out, b.String())
	}
	return out
}

// dumped returns a small archive of a database with one member.
func dumped(t *testing.T) (string, *store.Store) {
	t.Helper()
	st := storetest.SQLite(t)
	id := member(t, st, "zoe")
	if err := st.AppendLog(context.Background(), &store.LogEntry{Operation: "payment.created", MemberID: &id, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "coin.zip")
	if _, err := Write(context.Background(), st, out, Options{CoinVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	return out, st
}

// rewrite copies the archive with the manifest changed by edit.
func rewrite(t *testing.T, src string, edit func(m map[string]any)) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	return rewriteWith(t, zr, func(name string, b []byte) []byte {
		if name == ManifestName {
			var m map[string]any
			json.Unmarshal(b, &m)
			edit(m)
			b, _ = json.Marshal(m)
		}
		return b
	})
}

func TestLoadRefusesBadArchives(t *testing.T) {
	good, source := dumped(t)
	raw, _ := os.ReadFile(good)
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.zip")
	os.WriteFile(truncated, raw[:len(raw)*2/3], 0o600)

	for _, tc := range []struct {
		name, path, want string
	}{
		{"truncated", truncated, "not a whole coin dump"},
		{"other format", rewrite(t, good, func(m map[string]any) { m["format"] = 2 }), "archive format 2"},
		{"rows missing", rewrite(t, good, func(m map[string]any) {
			for _, e := range m["tables"].([]any) {
				if e := e.(map[string]any); e["name"] == "members" {
					e["rows"] = 2
				}
			}
		}), "table members: 1 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(tc.path)
			if !errors.Is(err, ErrBadArchive) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want %q", err, tc.want)
			}
		})
	}

	storetest.Each(t, func(t *testing.T, target *store.Store) {
		ctx := context.Background()
		// A schema this coin does not know: refused, nothing written.
		a, err := Open(rewrite(t, good, func(m map[string]any) { m["schema_version"] = 9999 }))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if err := a.Load(ctx, target, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "schema 9999") {
			t.Fatalf("unknown schema: %v", err)
		}
		if n := count(t, target, `SELECT COUNT(*) FROM members`); n != 0 {
			t.Fatalf("%d members written", n)
		}
		// An archive older than the (empty) target's schema: refused.
		old, err := Open(rewrite(t, good, func(m map[string]any) { m["schema_version"] = 1 }))
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		if err := old.Load(ctx, target, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "newer than the archive's 1") {
			t.Fatalf("archive older than the target: %v", err)
		}
		// A database holding rows: refused, and left as it was.
		member(t, target, "already")
		b, err := Open(good)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.Load(ctx, target, LoadOptions{}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "members") {
			t.Fatalf("non-empty target: %v", err)
		}
		if n := count(t, target, `SELECT COUNT(*) FROM members`); n != 1 {
			t.Fatalf("%d members after a refused load", n)
		}
	})

	// A row the target refuses (here the member twice) rolls the whole load
	// back: the accounting log, loaded before the members, is empty again.
	doubled := rewriteTable(t, good, "members", func(b []byte) []byte { return append(b, b...) })
	target := storetest.SQLite(t)
	a, err := Open(doubled)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.Load(context.Background(), target, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "nothing was loaded") {
		t.Fatalf("load of a duplicate row: %v", err)
	}
	if n := count(t, target, `SELECT COUNT(*) FROM accounting_log`); n != 0 {
		t.Fatalf("%d log entries kept by a failed load", n)
	}
	if n := count(t, source, `SELECT COUNT(*) FROM accounting_log`); n != 1 {
		t.Fatalf("the source should have one log entry, has %d", n)
	}
}

// rewriteTable copies the archive with a table's entry changed by edit,
// and the manifest made to match (so only the load can refuse it).
func rewriteTable(t *testing.T, src, table string, edit func([]byte) []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var entry []byte
	for _, f := range zr.File {
		if f.Name == entryName(table) {
			r, _ := f.Open()
			entry, _ = io.ReadAll(r)
			r.Close()
		}
	}
	entry = edit(entry)
	sum := sha256.Sum256(entry)
	return rewriteWith(t, zr, func(name string, b []byte) []byte {
		switch name {
		case entryName(table):
			return entry
		case ManifestName:
			var m Manifest
			json.Unmarshal(b, &m)
			e, _ := m.Table(table)
			e.SHA256, e.Rows = hex.EncodeToString(sum[:]), int64(bytes.Count(entry, []byte("\n")))
			b, _ = json.Marshal(m)
		}
		return b
	})
}

func rewriteWith(t *testing.T, zr *zip.ReadCloser, edit func(name string, b []byte) []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		w, _ := zw.Create(f.Name)
		w.Write(edit(f.Name, b))
	}
	zw.Close()
	out := filepath.Join(t.TempDir(), "edited.zip")
	os.WriteFile(out, buf.Bytes(), 0o600)
	return out
}

// An id handed out and deleted since is not handed out again after the
// load: the counters go on from the source's, not from the highest id left.
func TestLoadKeepsCounters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, source *store.Store) {
		ctx := context.Background()
		member(t, source, "first")
		gone := member(t, source, "second")
		if _, err := source.DB().Exec(strings.Replace(`DELETE FROM members WHERE id = ?`, "?", map[store.Dialect]string{
			store.SQLite: "?", store.Postgres: "$1"}[source.Dialect()], 1), gone); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "coin.zip")
		if _, err := Write(ctx, source, out, Options{}); err != nil {
			t.Fatal(err)
		}
		a, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		storetest.Each(t, func(t *testing.T, target *store.Store) {
			if err := a.Load(ctx, target, LoadOptions{}); err != nil {
				t.Fatal(err)
			}
			if id := member(t, target, "third"); id != gone+1 {
				t.Errorf("new member got id %d after a load whose source had handed out %d", id, gone)
			}
		})
	})
}
