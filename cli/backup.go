package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"coin/backup"
	"coin/config"
	"coin/date"
	"coin/store"
)

// BackupCmd writes a backup archive of the SQLite database, online.
type BackupCmd struct {
	Output string `required:"" short:"o" type:"path" help:"The archive to write (tar.gz), atomically: e.g. /srv/backups/coin.tar.gz." placeholder:"FILE"`
}

func (c *BackupCmd) Run(g *Globals) error {
	cfg, driver, dsn, err := g.database()
	if err != nil {
		return err
	}
	if driver == string(store.Postgres) {
		return postgresBackup(g, dsn, c.Output)
	}
	if !strings.HasPrefix(dsn, "file:") {
		if _, err := os.Stat(dsn); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no database at %s: nothing to back up (check server.data_dir and database.url)", dsn)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	st, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := backup.Write(ctx, st, c.Output, backupOptions(cfg))
	if err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "backup written to %s (schema %d)\n", c.Output, m.SchemaVersion)
	printEntries(g.Stdout, m)
	return nil
}

func backupOptions(cfg *config.Config) backup.Options {
	return backup.Options{AccountingLog: cfg.Billing.AccountingLog, CoinVersion: Version()}
}

func printEntries(w io.Writer, m *backup.Manifest) {
	for _, e := range m.Entries {
		fmt.Fprintf(w, "  %-22s %10d bytes  sha256 %s\n", e.Name, e.Size, e.SHA256)
	}
}

// postgresBackup explains that pg_dump backs up PostgreSQL, with the
// command for the configured database, and fails when pg_dump is missing.
func postgresBackup(g *Globals, dsn, output string) error {
	dump, restore, notes := pgDumpCommands(dsn, output)
	fmt.Fprintf(g.Stdout, "No backup written: coin copies SQLite databases only; on PostgreSQL the tool is pg_dump.\n"+
		"Back up this database with:\n\n  %s\n\nand restore it into an empty database with:\n\n  %s\n\n", dump, restore)
	for _, n := range notes {
		fmt.Fprintln(g.Stdout, n)
	}
	path, err := g.lookPath("pg_dump")
	if err != nil {
		return errors.New("pg_dump is not on PATH: install the PostgreSQL client (Debian: apt-get install postgresql-client), then run the command above")
	}
	fmt.Fprintf(g.Stdout, "pg_dump is %s\n", path)
	return nil
}

// libpqParams are the URI parameters pg_dump understands; the others are
// pgx's and left out.
var libpqParams = map[string]bool{"sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true,
	"sslpassword": true, "sslcrl": true, "connect_timeout": true, "application_name": true, "options": true,
	"target_session_attrs": true, "channel_binding": true, "gssencmode": true, "service": true, "host": true,
	"port": true, "dbname": true, "user": true, "passfile": true, "keepalives": true}

// pgDumpCommands are the pg_dump and pg_restore command lines for dsn,
// without its password (notes say where to give it).
func pgDumpCommands(dsn, output string) (dump, restore string, notes []string) {
	schema := ""
	if u, err := url.Parse(dsn); err == nil {
		if u.User != nil {
			if _, has := u.User.Password(); has {
				notes = append(notes, "The password of database.url is left out: give it in PGPASSWORD or ~/.pgpass.")
			}
			u.User = url.User(u.User.Username())
		}
		q := u.Query()
		var dropped []string
		for k := range q {
			switch {
			case k == "search_path":
				schema = q.Get(k)
				q.Del(k)
			case !libpqParams[k]:
				dropped = append(dropped, k)
				q.Del(k)
			}
		}
		if len(dropped) > 0 {
			sort.Strings(dropped)
			notes = append(notes, "Left out of database.url (pgx settings pg_dump does not know): "+strings.Join(dropped, ", ")+".")
		}
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	dump = "pg_dump --format=custom --no-owner --file=" + shellQuote(output)
	if schema != "" {
		dump += " --schema=" + shellQuote(schema)
	}
	dump += " --dbname=" + shellQuote(dsn)
	restore = "pg_restore --no-owner --exit-on-error --dbname=" + shellQuote(dsn) + " " + shellQuote(output)
	return dump, restore, notes
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lookPath finds an executable on the PATH of the command's environment.
func (g *Globals) lookPath(name string) (string, error) {
	path := ""
	for _, kv := range g.Environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not on PATH", name)
}

// RestoreCmd restores a backup into an empty data directory.
type RestoreCmd struct {
	From string `required:"" type:"path" help:"The backup archive (from coin backup or the backup job)." placeholder:"FILE"`
}

func (c *RestoreCmd) Run(g *Globals) error {
	cfg, driver, dsn, err := g.database()
	if err != nil {
		return err
	}
	if driver == string(store.Postgres) {
		return errors.New("coin restore restores SQLite backups, and database.url is PostgreSQL: restore a pg_dump archive with pg_restore (`coin backup --output FILE` prints the command)")
	}
	if strings.HasPrefix(dsn, "file:") {
		return fmt.Errorf("database.url %q is a file: URI: restore needs a plain path", dsn)
	}
	ctx := context.Background()
	m, written, err := backup.Restore(ctx, c.From, backup.Target{Database: dsn, AccountingLog: cfg.Billing.AccountingLog})
	for _, p := range written {
		fmt.Fprintf(g.Stdout, "restored %s\n", p)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(g.Stdout, "backup of %s by coin %s, schema %d: checksums and integrity verified\n",
		m.CreatedAt.Format(time.RFC3339), m.CoinVersion, m.SchemaVersion)
	if _, ok := m.Entry(backup.AccountingLogName); ok && cfg.Billing.AccountingLog == "" {
		fmt.Fprintf(g.Stdout, "billing.accounting_log is not set: set it to %s to go on appending to the restored log file\n",
			filepath.Join(filepath.Dir(dsn), backup.AccountingLogName))
	}
	if latest, err := store.LatestMigration(store.SQLite); err == nil && m.SchemaVersion < latest {
		fmt.Fprintf(g.Stdout, "schema %d of %d: serve (or coin migrate) applies the pending migrations\n", m.SchemaVersion, latest)
	}
	return nil
}

// checkBackup is `coin check --backup FILE`.
func checkBackup(g *Globals, path string) error {
	m, err := backup.Verify(context.Background(), path)
	if err != nil {
		fmt.Fprintf(g.Stdout, "FAIL backup %v\n", err)
		return statusError(1)
	}
	latest, _ := store.LatestMigration(store.SQLite)
	fmt.Fprintf(g.Stdout, "ok   backup %s: taken %s by coin %s, schema %d (this coin: %d); checksums and integrity verified\n",
		path, m.CreatedAt.Format(time.RFC3339), m.CoinVersion, m.SchemaVersion, latest)
	printEntries(g.Stdout, m)
	return nil
}

// backupJob is the scheduled `backup`: today's copy in backup_dir, and the
// old ones beyond keep_daily and keep_weekly removed.
func (a *app) backupJob(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	if a.store.Dialect() != store.SQLite {
		return "", errors.New("coin takes no backups of PostgreSQL: schedule pg_dump (`coin backup --output FILE` prints the command) and set jobs.backup = \"\"")
	}
	r := backup.Rotation{Dir: a.cfg.BackupDir(), KeepDaily: a.cfg.Backup.KeepDaily, KeepWeekly: a.cfg.Backup.KeepWeekly}
	res, err := r.Run(ctx, a.store, day, dryRun, backupOptions(a.cfg))
	if dryRun && err == nil {
		return "dry run, nothing written: " + res.String(), nil
	}
	return res.String(), err
}

// migrate applies the pending migrations; on SQLite, when the database has
// a schema and migrations are pending, it first takes a backup into
// backup_dir/pre-migration, and migrates nothing if that fails.
func migrate(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) error {
	if st.Dialect() == store.SQLite {
		ms, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		if !ms.Dirty && ms.Current > 0 && ms.Current < ms.Latest {
			out := filepath.Join(cfg.BackupDir(), "pre-migration",
				fmt.Sprintf("coin-schema-%d-%s.tar.gz", ms.Current, time.Now().UTC().Format("20060102T150405Z")))
			if _, err := backup.Write(ctx, st, out, backupOptions(cfg)); err != nil {
				return fmt.Errorf("nothing migrated: the backup before migrating from schema %d to %d failed (check backup.backup_dir): %w",
					ms.Current, ms.Latest, err)
			}
			log.Info("database backed up before migrating", "file", out, "from", ms.Current, "to", ms.Latest)
		}
	}
	return st.MigrateLogged(ctx, log)
}
