package money

import "testing"

func TestParse(t *testing.T) {
	ok := map[string]int64{"12": 1200, "12.5": 1250, "12,50": 1250, "-3.20": -320, "1 234,56": 123456,
		"1,234.56": 123456, "1.234,56": 123456, "12.345": 1234500, "€ 12.00": 1200, "0,05": 5, "+7": 700, "1\u00a0000": 100000}
	for in, want := range ok {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "12.3456", "1e5", "--1", "12,5,0x", "99999999999999",
		"-", "+", ".", ",", "-.", "+,", "€", "- €"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", in, got)
		}
	}
}

func TestPlainAndFormat(t *testing.T) {
	if Plain(-123456) != "-1234.56" || Plain(5) != "0.05" || Decimal(1250, ",") != "12,50" {
		t.Fatal(Plain(-123456), Plain(5))
	}
	if got := Format(1000000, "EUR", "fr"); got != "10\u202f000,00\u00a0€" {
		t.Fatalf("%q", got)
	}
	if got := Format(1000000, "CHF", "en"); got != "CHF\u00a010,000.00" {
		t.Fatalf("%q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12,50", "1 234.56", "-0.01", "€3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		// What parses prints back to the same amount.
		again, err := Parse(Plain(c))
		if err != nil || again != c {
			t.Fatalf("Parse(%q) = %d, Plain %q reparsed as %d, %v", s, c, Plain(c), again, err)
		}
	})
}
