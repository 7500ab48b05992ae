package bank

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"coin/config"
)

// Statements in this file are written for these tests from the layouts the
// banks describe (a preamble about the account, a header row, entries, and
// for some a closing balance), not copied from anywhere.

func readOK(t *testing.T, data, format string) *Statement {
	t.Helper()
	st, err := Read([]byte(data), format, "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return st
}

func refusedAs(t *testing.T, data, format, kind string) *Error {
	t.Helper()
	_, err := Parse([]byte(data), format, "EUR", profiles(), 1<<20)
	var be *Error
	if !errors.As(err, &be) || be.Kind != kind {
		t.Fatalf("got %v, want kind %s", err, kind)
	}
	return be
}

// lbpEntries are La Banque Postale entries in ISO-8859-1.
const lbpEntries = "Date;Libell\xe9;Montant(EUROS);Montant(FRANCS)\r\n" +
	"06/03/2027;\"VIREMENT DE M DURAND PAUL REF ADH-3\";15,00;98,39\r\n" +
	"07/03/2027;\"CARTE X1234 05/03 LA POSTE\";-8,40;-55,10\r\n"

// La Banque Postale writes six lines about the account then a blank line,
// or the six lines alone: one profile reads both, finding the header row.
func TestBanquePostaleSixOrSevenPreambleLines(t *testing.T) {
	preamble := "Num\xe9ro Compte   ;0123456X020\r\nType   ;CCP\r\nCompte tenu en   ;euros\r\n" +
		"Date   ;06/03/2027\r\nSolde (EUROS)   ;2 252,50\r\nSolde (FRANCS)  ;14 775,51\r\n"
	for name, data := range map[string]string{
		"seven lines": preamble + "\r\n" + lbpEntries,
		"six lines":   preamble + lbpEntries,
		"no preamble": lbpEntries,
	} {
		lines, err := Parse([]byte(data), "la_banque_postale", "EUR", profiles(), 1<<20)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		check(t, lines, []want{{"2027-03-06", "DURAND PAUL", "", "", 1500}, {"2027-03-07", "CARTE X1234", "", "", -840}})
	}
	// A header further than 30 lines down is not looked for.
	be := refusedAs(t, strings.Repeat("x;y\n", 31)+lbpEntries, "la_banque_postale", "syntax")
	if !strings.Contains(be.Detail, `"Date", "Libellé", "Montant(EUROS)"`) {
		t.Errorf("detail %q does not name the columns looked for", be.Detail)
	}
}

// skip_lines still works for the profiles that set it: with a header (and
// the header found even when skip_lines is wrong), and without one.
func TestSkipLinesKept(t *testing.T) {
	p := profiles()
	lbp := p["la_banque_postale"]
	lbp.SkipLines = 7 // the value older configurations have
	p["lbp7"] = lbp
	noHeader := config.BankProfile{Delimiter: ";", Encoding: "utf-8", DecimalSeparator: ",", DateFormat: "02/01/2006",
		SkipLines: 2, DateColumn: "1", LabelColumn: "2", AmountColumn: "3", Sign: "credit_positive"}
	p["positions"] = noHeader
	six := "a;1\r\nb;2\r\nc;3\r\nd;4\r\ne;5\r\nf;6\r\n"
	for name, data := range map[string]string{"seven": six + "\r\n" + lbpEntries, "six": six + lbpEntries} {
		if lines, err := Parse([]byte(data), "lbp7", "EUR", p, 1<<20); err != nil || len(lines) != 2 {
			t.Errorf("skip_lines = 7, %s lines of preamble: %v %v", name, lines, err)
		}
	}
	lines, err := Parse([]byte("Compte 123;;\nau 06/03/2027;;\n06/03/2027;ADH-3;15,00\n"), "positions", "EUR", p, 1<<20)
	if err != nil || len(lines) != 1 || lines[0].AmountCents != 1500 {
		t.Errorf("positions after skip_lines: %v %v", lines, err)
	}
}

// A closing balance, totals or a blank line after the last entry are not
// entries: skipped and counted. The same line between entries refuses the
// file.
func TestTrailingBalanceSkipped(t *testing.T) {
	cm := "Date;Date de valeur;D\xe9bit;Cr\xe9dit;Libell\xe9;Solde\r\n" +
		"02/03/2027;02/03/2027;;15,00;VIR SEPA DUPONT JEAN ADH-1;1 015,00\r\n" +
		"03/03/2027;03/03/2027;-12,50;;PRLV SEPA OVH;1 002,50\r\n"
	for name, c := range map[string]struct {
		tail    string
		skipped int
	}{
		"balance":               {"Solde en d\xe9but de p\xe9riode;;;39916,24;;\r\n", 1},
		"blank then balance":    {"\r\n;;;;;\r\nSolde au 03/03/2027;;;;;1 002,50\r\n", 1},
		"balance and total":     {"Total;;-12,50;15,00;;\r\nSolde final;;;;;1 002,50\r\n", 2},
		"amount without a date": {";;;1 002,50;;\r\n", 1},
		"nothing":               {"", 0},
	} {
		st := readOK(t, cm+c.tail, "credit_mutuel")
		if len(st.Lines) != 2 || st.Lines[1].AmountCents != -1250 || st.Skipped != c.skipped {
			t.Errorf("%s: %d lines, %d skipped, want 2 and %d", name, len(st.Lines), st.Skipped, c.skipped)
		}
	}
	// Between entries, a line without a date is an error, with its line.
	be := refusedAs(t, "Date;Date de valeur;D\xe9bit;Cr\xe9dit;Libell\xe9;Solde\r\n"+
		"02/03/2027;02/03/2027;;15,00;VIR ADH-1;1 015,00\r\n"+
		"Solde interm\xe9diaire;;;1 015,00;;\r\n"+
		"03/03/2027;03/03/2027;-12,50;;PRLV SEPA OVH;1 002,50\r\n", "credit_mutuel", "line")
	if be.Line != 3 {
		t.Errorf("error on line %d, want 3: %v", be.Line, be)
	}
	refusedAs(t, "Date;Libell\xe9;Montant(EUROS)\n06/03/2027;A;15,00\n;B;3,00\n07/03/2027;C;4,00\n", "la_banque_postale", "line")
	// Every line without a valid date: the first is named, not "no entries".
	refusedAs(t, "Date,Payment reference,Amount (EUR),Transaction id\n31/12/2027,x,1.00,a\n", "neobank", "line")
	// A dated line with a bad amount after the last entry is still an error.
	refusedAs(t, cm+"31/03/2027;31/03/2027;;abc;Solde;\r\n", "credit_mutuel", "line")
}

// A UTF-8 export under a Windows-1252 or ISO-8859-1 profile is read as
// UTF-8 (a byte order mark, or valid UTF-8 with accents) and says so.
func TestEncodingDetected(t *testing.T) {
	cmUTF8 := "Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n" +
		"04/03/2027;04/03/2027;;20,00;VIR DE MME LEFÈVRE ÉLODIE;1 052,50\r\n"
	for name, c := range map[string]struct{ data, format, enc string }{
		"utf-8 under windows-1252":            {cmUTF8, "credit_mutuel", "utf-8"},
		"utf-8 with a BOM under windows-1252": {"\ufeff" + cmUTF8, "credit_mutuel", "utf-8"},
		"utf-8 under iso-8859-1":              {"Date;Libellé;Montant(EUROS)\n06/03/2027;ÉLODIE;15,00\n", "la_banque_postale", "utf-8"},
		"windows-1252 as said":                {string(testdata(t, "credit_mutuel.csv")), "credit_mutuel", "windows-1252"},
		"iso-8859-1 as said":                  {lbpEntries, "la_banque_postale", "iso-8859-1"},
		"utf-8 as said":                       {string(testdata(t, "neobank.csv")), "neobank", "utf-8"},
		"ascii under windows-1252":            {"Date;Debit;Credit;Libelle\n01/01/2027;;1,00;x\n", "credit_mutuel_ascii", "windows-1252"},
	} {
		p := profiles()
		p["credit_mutuel_ascii"] = config.BankProfile{Delimiter: ";", Encoding: "windows-1252", DecimalSeparator: ",",
			DateFormat: "02/01/2006", Header: true, DateColumn: "Date", LabelColumn: "Libelle", DebitColumn: "Debit",
			CreditColumn: "Credit", Sign: "credit_positive"}
		st, err := Read([]byte(c.data), c.format, "EUR", p, 1<<20)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if st.Encoding != c.enc {
			t.Errorf("%s: read as %q, want %q", name, st.Encoding, c.enc)
		}
		if name == "utf-8 under windows-1252" && !strings.Contains(st.Lines[0].Label, "LEFÈVRE ÉLODIE") {
			t.Errorf("mojibake: %q", st.Lines[0].Label)
		}
	}
	// UTF-16 with its byte order mark (spreadsheets' "Unicode text").
	u16 := []byte{0xff, 0xfe}
	for _, r := range "Date,Payment reference,Amount (EUR),Transaction id\n2027-03-09,Café,20.00,tx-1\n" {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	st, err := Read(u16, "neobank", "EUR", profiles(), 1<<20)
	if err != nil || st.Encoding != "utf-16" || st.Lines[0].Label != "Café" {
		t.Errorf("utf-16: %+v %v", st, err)
	}
}

// Files uploaded by mistake are named, and no message ever quotes raw
// bytes: every one is valid UTF-8 without control characters.
func TestBinaryFilesNamed(t *testing.T) {
	zip := "PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe\x80\x81statement.csv\x00\x00"
	for _, c := range []struct{ data, kind, says string }{
		{zip, "zip", "ZIP archive"},
		{"PK\x05\x06\x00\x00", "zip", "ZIP archive"},
		{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "PDF"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "spreadsheet", "Excel"},
		{"\x1f\x8b\x08\x00", "binary", "gzip"},
		{"Date;x\n\x00\x01\x02\xff", "binary", "NUL"},
	} {
		for _, format := range []string{FormatCAMT053, "credit_mutuel", "la_banque_postale", "neobank"} {
			be := refusedAs(t, c.data, format, c.kind)
			msg := be.Error()
			if !strings.Contains(msg, c.says) || !strings.Contains(msg, "not a bank statement") {
				t.Errorf("%q as %s: %q", c.data[:4], format, msg)
			}
			if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\x01\x02\x03\x04\x14") || strings.Contains(msg, "statement.csv") {
				t.Errorf("%q as %s: message quotes the file: %q", c.data[:4], format, msg)
			}
		}
	}
	// Whatever a parser puts in its detail, the message is printable.
	e := &Error{Kind: "syntax", Line: 2, Detail: "bad \xff\x00 byte"}
	if got := e.Error(); !utf8.ValidString(got) || strings.ContainsRune(got, 0) {
		t.Errorf("%q", got)
	}
}

// The format chosen is checked against the file: a CSV export under
// CAMT.053 is refused, saying it is CSV and which profiles read it; a
// CAMT.053 statement under a CSV profile is read as CAMT.053 (it needs no
// profile: nothing to guess) and the reading says so.
func TestFormatDetected(t *testing.T) {
	be := refusedAs(t, string(testdata(t, "credit_mutuel.csv")), FormatCAMT053, "csv_as_camt")
	if !strings.Contains(be.Detail, "this file is CSV") || !strings.Contains(be.Detail, "credit_mutuel") {
		t.Errorf("detail %q", be.Detail)
	}
	be = refusedAs(t, "a;b;c\n1;2;3\n", FormatCAMT053, "csv_as_camt")
	if !strings.Contains(be.Detail, "no profile reads it") {
		t.Errorf("detail %q", be.Detail)
	}
	refusedAs(t, "hello world\n", FormatCAMT053, "unknown_format")
	for _, format := range []string{"credit_mutuel", "neobank"} {
		st := readOK(t, string(testdata(t, "camt053_v02.xml")), format)
		if st.Format != FormatCAMT053 || len(st.Lines) != 4 {
			t.Errorf("camt under %s: format %q, %d lines", format, st.Format, len(st.Lines))
		}
	}
	if st := readOK(t, string(testdata(t, "neobank.csv")), "neobank"); st.Format != "neobank" {
		t.Errorf("format %q", st.Format)
	}
	refusedAs(t, `<?xml version="1.0"?><html><body>x</body></html>`, "credit_mutuel", "xml_not_csv")
}
