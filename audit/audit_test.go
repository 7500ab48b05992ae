package audit

import (
	"testing"

	"coin/store"
)

func TestDiff(t *testing.T) {
	type rec struct {
		Name    string
		Count   int
		Tags    []string
		Stamp   string
		Skipped string
	}
	got, err := Diff(rec{Name: "a", Count: 1, Tags: []string{"x"}, Skipped: "s"},
		rec{Name: "b", Count: 1, Tags: []string{"x", "y"}, Skipped: "t"}, "Skipped")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Change{{Field: "Name", Old: "a", New: "b"}, {Field: "Tags", Old: `["x"]`, New: `["x","y"]`}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v", got)
	}
}
