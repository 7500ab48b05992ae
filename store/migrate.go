package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	sqlitemigrate "github.com/golang-migrate/migrate/v4/database/sqlite3"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"coin/migrations"
)

// MigrationStatus describes where the schema stands.
type MigrationStatus struct {
	Current uint // 0 when nothing is applied
	Latest  uint
	Dirty   bool
}

// migrator opens golang-migrate on its own connection pool, because closing
// the migrator closes the pool it was given.
func (s *Store) migrator() (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var drv database.Driver
	switch s.dialect {
	case SQLite:
		db, err := sql.Open("sqlite3", sqliteDSN(s.dsn))
		if err != nil {
			return nil, err
		}
		drv, err = sqlitemigrate.WithInstance(db, &sqlitemigrate.Config{})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare sqlite migrations: %w", err)
		}
	case Postgres:
		db, err := sql.Open("pgx", s.dsn)
		if err != nil {
			return nil, err
		}
		drv, err = pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare postgres migrations: %w", err)
		}
	}
	m, err := migrate.NewWithInstance("iofs", src, string(s.dialect), drv)
	if err != nil {
		return nil, fmt.Errorf("prepare migrations: %w", err)
	}
	return m, nil
}

// Migrate applies every pending migration, silently.
func (s *Store) Migrate(ctx context.Context) error { return s.MigrateLogged(ctx, nil) }

// MigrateLogged applies every pending migration, then the data moves that
// follow some of them (they are resumed at every start until done), and
// logs their progress to log when not nil.
func (s *Store) MigrateLogged(ctx context.Context, log *slog.Logger) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("apply migrations: %w", err)
	}
	// 0016: PDFs out of the invoices row, in batches (minutes on gigabytes).
	if _, err := s.MoveInvoicePDFs(ctx, PDFMoveBatch, log); err != nil {
		return err
	}
	return s.backfillMemberSearch(ctx)
}

// MigrationStatus reports the applied and the latest embedded version.
func (s *Store) MigrationStatus(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	m, err := s.migrator()
	if err != nil {
		return st, err
	}
	defer m.Close()
	v, dirty, err := m.Version()
	if err != nil && !errors.Is(err, migrate.ErrNilVersion) {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	st.Current, st.Dirty = v, dirty
	st.Latest, err = latestMigration(string(s.dialect))
	return st, err
}

func latestMigration(dir string) (uint, error) {
	src, err := iofs.New(migrations.FS, dir)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}

// LatestMigration is the newest schema version this binary embeds for d.
func LatestMigration(d Dialect) (uint, error) { return latestMigration(string(d)) }

// KnownMigration tells whether v is the version of a migration this binary
// embeds for d (0, an empty schema, is known too).
func KnownMigration(d Dialect, v uint) bool {
	if v == 0 {
		return true
	}
	src, err := iofs.New(migrations.FS, string(d))
	if err != nil {
		return false
	}
	defer src.Close()
	r, _, err := src.ReadUp(v)
	if err != nil {
		return false
	}
	r.Close()
	return true
}

// ErrNoDatabase says that an SQLite database file does not exist.
var ErrNoDatabase = errors.New("database does not exist")

// OpenExisting connects like Open, but an SQLite database must already
// exist: nothing is created, neither the file nor its folder. Commands
// that only report (coin migrate status) use it, so that a mistyped path
// says so instead of leaving an empty database behind.
func OpenExisting(ctx context.Context, driver, dsn string) (*Store, error) {
	if Dialect(driver) == SQLite {
		p := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(p, '?'); i >= 0 && strings.HasPrefix(dsn, "file:") {
			p = p[:i]
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%w: %s (coin migrate creates it)", ErrNoDatabase, p)
			}
			return nil, fmt.Errorf("database %s: %w", p, err)
		}
	}
	return Open(ctx, driver, dsn)
}

// MigrateTo migrates the schema up to version v exactly (coin load brings
// an empty database to the version of the archive it loads).
func (s *Store) MigrateTo(ctx context.Context, v uint) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Migrate(v); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate to schema %d: %w", v, err)
	}
	return nil
}
