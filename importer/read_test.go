package importer

import (
	"errors"
	"testing"
)

// FuzzRead feeds any bytes to every profile and kind: a file is read or
// refused with a FileError, never a panic.
func FuzzRead(f *testing.F) {
	f.Add([]byte("external_id;email;first_name\nA1;a@example.org;Alix\n"))
	f.Add([]byte("\ufeffid,username,email\n1,\"x\"\"y\",z\n"))
	f.Add([]byte("id_adh;nom_adh;email_adh\n3;L\xe8fe;x@y\n"))
	f.Add([]byte("email\n\"open"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range ProfileNames() {
			p := ProfileByName(name)
			for _, k := range Kinds {
				if !p.Reads(k) {
					continue
				}
				tab, err := read(data, p, k)
				var fe *FileError
				if err != nil && !errors.As(err, &fe) {
					t.Fatalf("%s/%s: error %v is not a FileError", name, k, err)
				}
				if err == nil {
					for _, r := range tab.Rows {
						if r.Line < 2 {
							t.Fatalf("%s/%s: a data line numbered %d", name, k, r.Line)
						}
					}
				}
			}
		}
	})
}

func TestSeparatorAndDates(t *testing.T) {
	for in, want := range map[string]rune{"a;b;c\n": ';', "a,b;c,d\n": ',', "a\tb\tc": '\t', `"x;y",z` + "\n": ','} {
		if got := separator(in); got != want {
			t.Errorf("separator(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"2024-03-01": "2024-03-01", "2024-03-01 10:22:01": "2024-03-01",
		"01/03/2024": "2024-03-01", "2024-03-01T10:22:01+02:00": "2024-03-01", "1er mars": "1er mars", "": ""} {
		if got := isoDate(in); got != want {
			t.Errorf("isoDate(%q) = %q, want %q", in, got, want)
		}
	}
}
