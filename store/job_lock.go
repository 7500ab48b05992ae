package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked is returned when a job's lock is held by another run, in this
// process or another one.
var ErrLocked = errors.New("already running")

// JobLock is a held job lock; Release frees it.
type JobLock interface {
	Release() error
}

var lockNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// TryJobLock takes the lock of a job without waiting, or returns ErrLocked.
// The lock holds across processes sharing the database: a PostgreSQL
// session advisory lock (keyed by schema and job, held by a connection of
// its own, so that it dies with the process), or for SQLite an flock(2) on
// a file beside the database, which the kernel frees with the process too.
func (s *Store) TryJobLock(ctx context.Context, name string) (JobLock, error) {
	if !lockNameRE.MatchString(name) {
		return nil, fmt.Errorf("lock job %q: bad name", name)
	}
	if s.dialect == Postgres {
		return s.tryAdvisoryLock(ctx, name)
	}
	return s.tryFileLock(name)
}

// JobLockPath is the lock file of a job on SQLite.
func (s *Store) JobLockPath(name string) string {
	p := strings.TrimPrefix(s.dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return filepath.Clean(p) + "-job-" + name + ".lock"
}

type fileLock struct{ f *flock.Flock }

func (l fileLock) Release() error { return l.f.Unlock() }

func (s *Store) tryFileLock(name string) (JobLock, error) {
	f := flock.New(s.JobLockPath(name), flock.SetPermissions(0o600))
	ok, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock job %s: %w", name, err)
	}
	if !ok {
		return nil, fmt.Errorf("job %s: %w", name, ErrLocked)
	}
	return fileLock{f}, nil
}

type advisoryLock struct {
	conn *sql.Conn
	name string
}

func (l advisoryLock) Release() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var ok bool
	err := l.conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(hashtextextended('coin-job:' || current_schema() || ':' || $1::text, 0))`, l.name).Scan(&ok)
	// Closing returns the connection to the pool; if the unlock failed the
	// connection is discarded so that the session (and its lock) ends.
	if err != nil || !ok {
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
	if err != nil {
		return fmt.Errorf("unlock job %s: %w", l.name, err)
	}
	return nil
}

func (s *Store) tryAdvisoryLock(ctx context.Context, name string) (JobLock, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock job %s: %w", name, err)
	}
	var ok bool
	err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended('coin-job:' || current_schema() || ':' || $1::text, 0))`, name).Scan(&ok)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock job %s: %w", name, err)
	}
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("job %s: %w", name, ErrLocked)
	}
	return advisoryLock{conn: conn, name: name}, nil
}

// Reopen opens a second, independent pool on the same database, as another
// process would have (tests of cross-process locking use it).
func (s *Store) Reopen(ctx context.Context) (*Store, error) {
	return Open(ctx, string(s.dialect), s.dsn)
}
