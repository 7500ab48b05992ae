package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"coin/store"
)

// A data directory whose name holds URI characters ('#' in the name of a
// subtest's temporary directory, '?', '%') opens the database inside it,
// not a file named after the part before them.
func TestSQLitePathWithURICharacters(t *testing.T) {
	for _, name := range []string{"a#b", "c?d", "e%41f"} {
		dir := filepath.Join(t.TempDir(), name)
		s, err := store.Open(context.Background(), "sqlite", filepath.Join(dir, "coin.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: migrate: %v", name, err)
		}
		s.Close()
		if _, err := os.Stat(filepath.Join(dir, "coin.db")); err != nil {
			t.Fatalf("%s: the database is not where it was asked: %v", name, err)
		}
	}
}
