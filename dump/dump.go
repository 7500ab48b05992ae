// Package dump writes the whole database as a portable archive and loads
// such an archive into an empty database of either dialect: this is how an
// ISP moves from SQLite to PostgreSQL (or back).
//
// An archive is a zip file:
//
//	accounting_log.jsonl  the billing.accounting_log file, when one is set and exists
//	tables/NAME.jsonl     one per table: a JSON array per row, in primary key order
//	manifest.json         last: format, coin and schema versions, source dialect,
//	                      and per table its columns (name, portable type), row
//	                      count, sha256 and highest id handed out
//
// Values are written by portable type, the same whatever the dialect:
// integers and reals as JSON numbers, booleans as true/false, text as
// strings, blobs in base64, timestamps in RFC 3339 (UTC, to the
// microsecond: PostgreSQL's precision, finer digits are dropped),
// dates as YYYY-MM-DD, IP addresses and prefixes as text; NULL is null.
// Load converts each value to the target column's type (an SQLite address
// BLOB becomes a PostgreSQL inet and back), so a round trip gives the same
// rows.
//
// The table list, columns, primary keys and foreign keys come from the
// database's catalogue (sqlite_master and its pragmas, information_schema
// and pg_constraint), so a new migration needs no change here.
package dump

import (
	"errors"
	"fmt"
)

// Format is the version of the archive layout; Load refuses others.
const Format = 1

// Names inside an archive.
const (
	ManifestName      = "manifest.json"
	AccountingLogName = "accounting_log.jsonl"
	tablesDir         = "tables/"
)

// Portable column types.
const (
	TInteger   = "integer"
	TBoolean   = "boolean"
	TReal      = "real"
	TText      = "text"
	TBlob      = "blob"
	TTimestamp = "timestamp"
	TDate      = "date"
	TInet      = "inet"
	TCIDR      = "cidr"
)

// Manifest describes an archive.
type Manifest struct {
	Format        int          `json:"format"`
	CoinVersion   string       `json:"coin_version"`
	Dialect       string       `json:"dialect"`
	SchemaVersion uint         `json:"schema_version"`
	CreatedAt     string       `json:"created_at"`
	Tables        []TableEntry `json:"tables"`
	// AccountingLog is the copy of the log file, when there is one.
	AccountingLog *FileEntry `json:"accounting_log,omitempty"`
}

// TableEntry is one table of the archive.
type TableEntry struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
	// Sequence is the highest id the table's counter has handed out
	// (SQLite AUTOINCREMENT, PostgreSQL identity), which may be above the
	// highest id left; nil when the table has none.
	Sequence *int64 `json:"sequence,omitempty"`
}

// FileEntry is a plain file of the archive.
type FileEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Column is a column and its portable type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Table returns the entry of the table called name.
func (m *Manifest) Table(name string) (*TableEntry, bool) {
	for i := range m.Tables {
		if m.Tables[i].Name == name {
			return &m.Tables[i], true
		}
	}
	return nil, false
}

// ErrNotEmpty is returned by Load when the target database holds rows.
var ErrNotEmpty = errors.New("the target database is not empty")

// ErrBadArchive is returned for an archive that cannot be loaded as is.
var ErrBadArchive = errors.New("bad archive")

func badArchive(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadArchive, fmt.Sprintf(format, args...))
}

func entryName(table string) string { return tablesDir + table + ".jsonl" }
