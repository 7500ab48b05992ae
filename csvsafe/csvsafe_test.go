package csvsafe

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestFormulasDisarmedNumbersKept(t *testing.T) {
	cases := map[string]string{
		"=cmd|' /C calc'!A0":             "'=cmd|' /C calc'!A0",
		"=HYPERLINK(\"http://x\",\"y\")": "'=HYPERLINK(\"http://x\",\"y\")",
		"+33 6 12":                       "'+33 6 12",
		"-2+3":                           "'-2+3",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\tx":                            "'\tx",
		"-15.00":                         "-15.00",
		"12":                             "12",
		"Zoé Martin":                     "Zoé Martin",
		"":                               "",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterEscapesEveryCell(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	if err := w.Write([]string{"=1+1", "-3.50", "VIR =HYPERLINK(x)"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil || len(rows) != 1 || rows[0][0] != "'=1+1" || rows[0][1] != "-3.50" || rows[0][2] != "VIR =HYPERLINK(x)" {
		t.Fatalf("rows %q (%v)", rows, err)
	}
}
