package accounting_test

import (
	"errors"
	"strings"
	"testing"

	"coin/accounting"
	"coin/date"
)

// TestEncodeFECLatin9: article A47 A-1 of the livre des procédures
// fiscales: the FEC is in ASCII, ISO 8859-15 or EBCDIC. French accents, Œ
// and € have ISO 8859-15 codes; Ł does not, and is refused with its line
// rather than replaced.
func TestEncodeFECLatin9(t *testing.T) {
	in := []byte("JournalCode|JournalLib\r\nVE|Ventes €\r\nVE|Zoé Œuvray\r\n")
	out, err := accounting.EncodeFEC(in, accounting.CharsetLatin9)
	if err != nil || string(out) != "JournalCode|JournalLib\r\nVE|Ventes \xa4\r\nVE|Zo\xe9 \xbcuvray\r\n" {
		t.Fatalf("%q %v", out, err)
	}
	if out, err := accounting.EncodeFEC(in, accounting.CharsetUTF8); err != nil || string(out) != string(in) {
		t.Fatalf("utf-8: %q %v", out, err)
	}
	_, err = accounting.EncodeFEC([]byte("a|b\r\nc|d\r\nVE|Łukasiewicz\r\n"), accounting.CharsetLatin9)
	var ce *accounting.CharsetError
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Char != 'Ł' || !strings.Contains(err.Error(), "U+0141") {
		t.Fatalf("Ł: %v", err)
	}
	if _, err := accounting.EncodeFEC(in, "ebcdic"); err == nil {
		t.Fatal("unknown charset accepted")
	}
}

// TestFECFileName: the administration's name, <SIREN>FEC<YYYYMMDD>.txt
// with the closing date of the period (article A47 A-1 LPF).
func TestFECFileName(t *testing.T) {
	if n := accounting.FECFileName("732829320", date.MustParse("2026-12-31")); n != "732829320FEC20261231.txt" {
		t.Fatal(n)
	}
	if n := accounting.FECFileName("", date.MustParse("2027-06-30")); n != "NOSIREN-FEC20270630.txt" {
		t.Fatal(n)
	}
}
