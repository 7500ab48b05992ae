// Package migrations embeds the schema changes of each dialect, applied in
// order by golang-migrate (store.Migrate). Files are never edited once
// released: a change is a new numbered pair of up/down files.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
