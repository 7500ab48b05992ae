package date

import "testing"

func TestParseOffset(t *testing.T) {
	end := MustParse("2026-05-31")
	cases := []struct{ in, str, from string }{
		{"-3m", "-3m", "2026-02-28"},
		{"-1m", "-1m", "2026-04-30"},
		{"0d", "0d", "2026-05-31"},
		{"+0d", "0d", "2026-05-31"},
		{"+1m", "+1m", "2026-06-30"},
		{"1m", "+1m", "2026-06-30"},
		{" -15d ", "-15d", "2026-05-16"},
		{"+2w", "+2w", "2026-06-14"},
		{"-1y", "-1y", "2025-05-31"},
	}
	for _, c := range cases {
		o, err := ParseOffset(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if o.String() != c.str || o.From(end).String() != c.from {
			t.Errorf("%q: %s, from %s = %s; want %s, %s", c.in, o, end, o.From(end), c.str, c.from)
		}
	}
	for _, bad := range []string{"", "m", "-m", "3", "3x", "--3m", "+-1d", "1.5m", "99999999999999999999d", "40000y", "3 m", "٣m"} {
		if _, err := ParseOffset(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseOffsets([]string{"-1m", "0d", "+0d"}); err == nil {
		t.Error("duplicate offsets accepted")
	}
	if os, err := ParseOffsets([]string{"-3m", "-2m", "-1m", "0d", "+1m"}); err != nil || len(os) != 5 {
		t.Errorf("default list: %v %v", os, err)
	}
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"-3m", "+1m", "0d", "12w", "-1y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOffset(s)
		if err != nil {
			return
		}
		// What parses prints back to the same offset, and applies without panic.
		again, err := ParseOffset(o.String())
		if err != nil || again != o {
			t.Fatalf("ParseOffset(%q) = %v, String %q reparsed as %v, %v", s, o, o.String(), again, err)
		}
		_ = o.From(MustParse("2026-01-31"))
	})
}
