// Package store is the only place that speaks SQL.
//
// One *Store serves SQLite and PostgreSQL: queries are written once with '?'
// placeholders and rebound to $n for PostgreSQL; code differs by dialect only
// where the databases do (IP types, locking, upserts). One file per entity.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mattn/go-sqlite3"

	"coin/store/sqlcount"
)

// Dialect names the database kind behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned when a row asked for by id or key does not exist
// (or is not visible to the caller).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write breaks a uniqueness rule.
var ErrConflict = errors.New("already exists")

// ErrInUse is returned when a row cannot be deleted because others refer to it.
var ErrInUse = errors.New("still in use")

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store gives access to the database. A Store obtained from Tx runs every
// method inside that transaction.
type Store struct {
	db      *sql.DB
	q       querier
	dialect Dialect
	dsn     string
	inTx    bool
	stmts   *stmtCache   // prepared statements of the transaction
	shared  *preparedSet // statements prepared once per connection
	unit    *unit        // the transaction's unit of work; nil outside one
	hooks   *Hooks       // shared by the store and its transactions
	// Now is the clock for created/updated stamps; tests replace it.
	Now func() time.Time
}

// Open connects to the database: driver is "sqlite" (dsn a file path) or
// "postgres" (dsn a postgres:// URL). It does not migrate.
func Open(ctx context.Context, driver, dsn string) (*Store, error) {
	var db *sql.DB
	var err error
	switch Dialect(driver) {
	case SQLite:
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		db, err = openCounted(&sqlite3.SQLiteDriver{}, sqliteDSN(dsn))
		if err == nil {
			// A few connections let readers proceed while one writer holds
			// the lock; writes wait on busy_timeout rather than failing.
			db.SetMaxOpenConns(8)
			db.SetMaxIdleConns(8)
			db.SetConnMaxIdleTime(time.Minute)
		}
	case Postgres:
		db, err = openCounted(stdlib.GetDefaultDriver(), dsn)
		if err == nil {
			db.SetMaxOpenConns(20)
			db.SetMaxIdleConns(5)
		}
	default:
		return nil, fmt.Errorf("unknown database driver %q", driver)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", driver, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", driver, err)
	}
	return &Store{db: db, q: db, dialect: Dialect(driver), dsn: dsn, Now: time.Now,
		shared: newPreparedSet(db), hooks: &Hooks{}}, nil
}

// openCounted opens a pool whose connections count the statements of a
// context that asks (sqlcount.With): the request log and the tests read it.
func openCounted(drv driver.Driver, dsn string) (*sql.DB, error) {
	c, err := sqlcount.Connector(drv, dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// sqliteDSN adds the settings every connection needs: WAL so readers do not
// block the writer, foreign keys, a busy timeout instead of "database is
// locked", and BEGIN IMMEDIATE so a transaction that will write takes the
// write lock at its start rather than failing when it upgrades.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.HasPrefix(path, "file:") {
		if strings.Contains(path, "?") {
			sep = "&"
		}
	} else {
		// In a file: URI, '?' and '#' would end the path: a data directory
		// named "a#b" must not open the database "a".
		path = "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	}
	return path + sep + "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL"
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.shared.close()
	return s.db.Close()
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the pool for health checks and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.q.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx runs fn in one transaction: committed if fn returns nil, rolled back
// otherwise. Inside fn, use only the *Store it is given. The transaction is
// a unit of work: what fn registers with AfterCommit (and the hooks of the
// accounting log entries and e-mails it wrote) runs once it has committed,
// in order, and never after a rollback. A Tx inside a Tx joins it.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return fn(s)
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	txs := *s
	txs.q = sqlTx
	txs.inTx = true
	txs.stmts = &stmtCache{tx: sqlTx, shared: s.shared, byQuery: map[string]*sql.Stmt{}}
	txs.unit = &unit{}
	if err := fn(&txs); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	txs.unit.runAfterCommit()
	return nil
}

// rebind turns '?' placeholders into $1, $2… for PostgreSQL. Question marks
// inside quoted literals are left alone.
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s.stmts != nil {
		st, err := s.stmts.get(ctx, s.rebind(q))
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	if st := s.sharedStmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.q.ExecContext(ctx, s.rebind(q), args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.stmts != nil {
		st, err := s.stmts.get(ctx, s.rebind(q))
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	if st := s.sharedStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.q.QueryContext(ctx, s.rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s.stmts != nil {
		st, err := s.stmts.get(ctx, s.rebind(q))
		if err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	if st := s.sharedStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.q.QueryRowContext(ctx, s.rebind(q), args...)
}

// sharedStmt returns, outside a transaction on SQLite, the statement of q
// prepared once per connection: go-sqlite3 would otherwise compile every
// query of every request again (a third of a member home's time). pgx
// keeps its own per-connection cache of prepared statements.
func (s *Store) sharedStmt(ctx context.Context, q string) *sql.Stmt {
	if s.dialect != SQLite || s.inTx {
		return nil
	}
	return s.shared.get(ctx, q)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (s *Store) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := s.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// now is the store clock in UTC, truncated to microseconds so that both
// databases round-trip the same value.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// isUniqueViolation tells whether err is a uniqueness or exclusion failure.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var le sqlite3.Error
	if errors.As(err, &le) {
		return le.ExtendedCode == sqlite3.ErrConstraintUnique || le.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505" || pe.Code == "23P01" // unique_violation, exclusion_violation
	}
	return false
}

// isForeignKeyViolation tells whether err is a refused delete or insert
// because of a foreign key.
func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	var le sqlite3.Error
	if errors.As(err, &le) {
		// ON DELETE RESTRICT fails with SQLITE_CONSTRAINT_TRIGGER, not
		// SQLITE_CONSTRAINT_FOREIGNKEY: only the message tells it apart.
		return le.ExtendedCode == sqlite3.ErrConstraintForeignKey ||
			le.ExtendedCode == sqlite3.ErrConstraintTrigger && strings.Contains(le.Error(), "FOREIGN KEY constraint failed")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503" // foreign_key_violation
	}
	return false
}

// notFound maps sql.ErrNoRows to ErrNotFound with context.
func notFound(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %v: %w", what, id, ErrNotFound)
	}
	return fmt.Errorf("%s %v: %w", what, id, err)
}

// likePattern escapes a user's search text for LIKE … ESCAPE '\'.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(s)) + "%"
}

// likeAny is the condition of a list's search box: any of the SQL
// expressions, lowercased, contains the search text (its LIKE wildcards
// taken literally), with one argument per expression.
//
// An expression naming a search_key column (already folded, see Fold) is
// compared with the folded search text instead: case and accents ignored
// on both databases.
func likeAny(search string, exprs ...string) (string, []any) {
	p := likePattern(search)
	folded := likePattern(Fold(search))
	conds := make([]string, len(exprs))
	args := make([]any, len(exprs))
	for i, e := range exprs {
		if strings.HasSuffix(e, searchKeyColumn) {
			conds[i] = e + " LIKE ? ESCAPE '\\'"
			args[i] = folded
			continue
		}
		conds[i] = "LOWER(" + e + ") LIKE ? ESCAPE '\\'"
		args[i] = p
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}
