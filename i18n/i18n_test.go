package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"coin/date"
)

func TestBothLanguagesHaveTheSameMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := c.IDs("fr"), c.IDs("en")
	for id := range en {
		if !fr[id] {
			t.Errorf("%q has no French translation", id)
		}
	}
	for id := range fr {
		if !en[id] {
			t.Errorf("%q has no English translation", id)
		}
	}
}

var literalRE = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

// callRE finds ids passed to the translation helpers and flash messages,
// whatever their area, so that a new area cannot slip through.
var callRE = regexp.MustCompile(`(?:\bt|\btf|\.tr|\.trf|\.T|\.Tf|\.flash|i18n\.T|i18n\.Tf)\((?:ctx|c), "([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"|Label: +"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

// TestEveryMessageIDUsedExists scans the code for string literals shaped
// like message ids of a known area ("members.title") and checks both
// catalogs define them, so a forgotten string cannot reach a page.
func TestEveryMessageIDUsedExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for id := range c.IDs("en") {
		areas[strings.SplitN(id, ".", 2)[0]] = true
	}
	missing := map[string][]string{}
	root := ".."
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_templ.go") || strings.HasSuffix(p, "_test.go") ||
			!(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".templ")) {
			return nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range callRE.FindAllStringSubmatch(string(body), -1) {
			id := m[1] + m[2]
			if !c.IDs("en")[id] || !c.IDs("fr")[id] {
				missing[id] = append(missing[id], p)
			}
		}
		for _, m := range literalRE.FindAllStringSubmatch(string(body), -1) {
			id := m[1]
			if !areas[strings.SplitN(id, ".", 2)[0]] || strings.HasSuffix(id, ".") {
				continue
			}
			if !c.IDs("en")[id] || !c.IDs("fr")[id] {
				missing[id] = append(missing[id], p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for id := range missing {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Errorf("message %q used in %v is not defined in both languages", id, missing[id])
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ choice, accept, want string }{
		{"", "en-US,en;q=0.9", "en"},
		{"", "fr-CH, fr;q=0.9, en;q=0.8", "fr"},
		{"", "de-DE", "fr"},
		{"en", "fr", "en"},
		{"xx", "en", "en"},
		{"", "", "fr"},
		{"", "*;q=garbage", "fr"},
	}
	for _, c := range cases {
		if got := Negotiate(c.choice, c.accept, "fr"); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.choice, c.accept, got, c.want)
		}
	}
}

func TestFormatsPerLanguage(t *testing.T) {
	c, _ := Load()
	paris, _ := time.LoadLocation("Europe/Paris")
	fr := c.Locale("fr", paris, "EUR")
	en := c.Locale("en", paris, "EUR")
	d := date.MustParse("2026-03-09")
	if fr.Date(d) != "09/03/2026" || en.Date(d) != "9 Mar 2026" {
		t.Fatalf("dates: %q %q", fr.Date(d), en.Date(d))
	}
	if got := fr.Money(123456); got != "1\u202f234,56\u00a0€" {
		t.Fatalf("fr money %q", got)
	}
	if got := en.Money(-5); got != "-€0.05" {
		t.Fatalf("en money %q", got)
	}
	for _, c := range []struct{ got, want string }{
		{fr.Digits("16777216"), "16\u202f777\u202f216"}, {en.Digits("16777216"), "16,777,216"},
		{en.Digits("-1234"), "-1,234"}, {fr.Number(999), "999"}, {fr.Decimal(7.04), "7,0"}, {en.Decimal(3.96), "4.0"},
		{fr.Size(5 << 20), "5 Mo"}, {en.Size(512 << 10), "512 kB"},
	} {
		if c.got != c.want {
			t.Errorf("number %q, want %q", c.got, c.want)
		}
	}
	ts := time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC)
	if fr.DateTime(ts) != "02/07/2026 00:30" {
		t.Fatalf("time zone not applied: %q", fr.DateTime(ts))
	}
	if got := fr.Tf("members.count", map[string]any{"Count": 1}); got != "1 adhérent" {
		t.Fatalf("plural one: %q", got)
	}
	if got := en.Tf("members.count", map[string]any{"Count": 3}); got != "3 members" {
		t.Fatalf("plural other: %q", got)
	}
}
