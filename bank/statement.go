// Package bank reads bank statements (CSV exports described by profiles,
// ISO 20022 CAMT.053 XML), matches their credit lines to members, invoices
// and membership fees, and imports the confirmed ones as payments, the
// whole file in one transaction. A line is never imported twice.
package bank

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"coin/config"
	"coin/date"
)

// FormatCAMT053 names the ISO 20022 XML statement format; every other
// format is the name of a CSV profile.
const FormatCAMT053 = "camt053"

// Payment methods of bank lines (those of store.PaymentMethods).
const (
	MethodTransfer    = "transfer"
	MethodDirectDebit = "direct_debit"
)

// Line is one entry of a statement, as the bank wrote it.
type Line struct {
	Date         date.Date
	AmountCents  int64  // positive: money in; negative: money out
	Label        string // the bank's text, remittance information included
	Reference    string // the bank's own id of the entry, "" when it gives none
	Account      string // the statement's account (IBAN), when known
	Counterparty string // who paid, when the bank says
	Method       string // MethodTransfer or MethodDirectDebit
	Hash         string // set by Parse: see hashLines
	// A line sending back one of our direct debits (a camt.053 return, a
	// pain.002 reject) names it and says why.
	EndToEndID string
	ReturnCode string
	Reject     bool // a pain.002 reject: no money moved on the account
}

// Error is a statement that cannot be imported, with what to tell the user.
type Error struct {
	Kind   string // message id suffix: too_large, unknown_format, encoding, syntax, empty, line, currency, zip, pdf, spreadsheet, binary, csv_as_camt, xml_not_csv
	Line   int    // 1-based line (CSV) or entry (CAMT) at fault, 0 for the whole file
	Detail string // in English, for the CLI and logs
}

// Error is always valid UTF-8 without control characters, whatever the
// file held: it is shown on the page and written to logs.
func (e *Error) Error() string {
	d := printable(e.Detail)
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, d)
	}
	return d
}

func printable(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\ufffd'
		}
		return r
	}, s)
}

// MessageID is the translation of the error's kind.
func (e *Error) MessageID() string { return "bank.err." + e.Kind }

// Formats lists the formats a user may choose: camt053, then the CSV
// profiles by name.
func Formats(profiles map[string]config.BankProfile) []string {
	names := make([]string, 0, len(profiles)+1)
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return append([]string{FormatCAMT053}, names...)
}

// Statement is a file read: its lines and how it was read.
type Statement struct {
	Lines []Line
	Reading
}

// Reading says how a statement was read, for the preview.
type Reading struct {
	// Format is the parser used: FormatCAMT053 or the chosen CSV profile.
	// A CAMT.053 statement uploaded under a CSV profile is read as
	// CAMT.053 (it needs no profile, so nothing is ambiguous).
	Format string
	// Encoding is the character set the file was read in: the profile's,
	// or utf-8 when a file under a Windows-1252 or ISO-8859-1 profile has
	// a UTF-8 byte order mark or is valid UTF-8 with accented letters.
	Encoding string
	// Skipped counts the lines after the last entry that are not entries
	// (a closing balance, totals): left out. Lines in between never are.
	Skipped int
}

// Parse reads a statement of the given format; currency is the billing
// currency (CAMT.053 amounts in another are refused). It refuses, whole, a
// file over maxSize bytes, of an unknown format, badly encoded, or with a
// line it cannot read; it never panics on malformed input.
func Parse(data []byte, format, currency string, profiles map[string]config.BankProfile, maxSize int64) ([]Line, error) {
	st, err := Read(data, format, currency, profiles, maxSize)
	if err != nil {
		return nil, err
	}
	return st.Lines, nil
}

// Read is Parse that also says how the file was read. The format is
// checked against the file first: a binary file (ZIP, PDF, spreadsheet) is
// named, a CSV file under CAMT.053 is refused with the CSV profiles that
// read it, a CAMT.053 statement under a CSV profile is read as CAMT.053.
func Read(data []byte, format, currency string, profiles map[string]config.BankProfile, maxSize int64) (*Statement, error) {
	if int64(len(data)) > maxSize {
		return nil, &Error{Kind: "too_large", Detail: fmt.Sprintf("the file is %d bytes, more than the %d allowed (bank.max_file_size)", len(data), maxSize)}
	}
	p, isCSV := profiles[format]
	if format != FormatCAMT053 && !isCSV {
		return nil, &Error{Kind: "unknown_format", Detail: fmt.Sprintf("unknown format %q (known: %s)", format, strings.Join(Formats(profiles), ", "))}
	}
	if err := sniffBinary(data); err != nil {
		return nil, err
	}
	st := &Statement{Reading: Reading{Format: format}}
	var err error
	switch {
	case format == FormatCAMT053 && !looksLikeXML(data):
		return nil, csvAsCAMT(data, profiles)
	case looksLikeXML(data) && looksLikePain002(data):
		st.Format = FormatPain002
		st.Lines, err = ParsePain002(data, currency)
	case isCSV && looksLikeXML(data):
		if !looksLikeCAMT053(data) {
			return nil, &Error{Kind: "xml_not_csv", Detail: "this file is XML, not a CSV export, and not a CAMT.053 statement either"}
		}
		st.Format = FormatCAMT053
		fallthrough
	case st.Format == FormatCAMT053:
		st.Lines, err = ParseCAMT053(data, currency)
	default:
		st.Lines, st.Reading, err = ReadCSV(data, p)
		st.Format = format
	}
	if err != nil {
		return nil, err
	}
	if len(st.Lines) == 0 {
		return nil, &Error{Kind: "empty", Detail: "the statement has no entries"}
	}
	hashLines(st.Lines)
	return st, nil
}

// csvAsCAMT is the refusal of a text file that is not XML under the
// CAMT.053 format, naming the CSV profiles that read it.
func csvAsCAMT(data []byte, profiles map[string]config.BankProfile) error {
	var fits []string
	for _, name := range Formats(profiles)[1:] {
		if lines, _, err := ReadCSV(data, profiles[name]); err == nil && len(lines) > 0 {
			fits = append(fits, name)
		}
	}
	switch {
	case len(fits) > 0:
		return &Error{Kind: "csv_as_camt", Detail: "this file is CSV, not a CAMT.053 XML statement: choose your bank's CSV format (it reads with " + strings.Join(fits, ", ") + ")"}
	case looksLikeCSV(data):
		return &Error{Kind: "csv_as_camt", Detail: "this file is CSV, not a CAMT.053 XML statement: choose your bank's CSV format (no profile reads it: add one to [bank.profiles])"}
	}
	return &Error{Kind: "unknown_format", Detail: "this file is neither a CAMT.053 XML statement nor CSV"}
}

func looksLikeXML(data []byte) bool {
	s := strings.TrimLeft(string(data[:min(len(data), 64)]), "\ufeff \t\r\n")
	return strings.HasPrefix(s, "<")
}

// looksLikeCAMT053 tells an XML file of a camt.053 namespace.
func looksLikeCAMT053(data []byte) bool {
	return camtNamespaceIn.Match(data[:min(len(data), 4096)])
}

var camtNamespaceIn = regexp.MustCompile(`urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]\b`)

// looksLikeCSV tells a text whose first lines are split by one of the
// delimiters profiles may use.
func looksLikeCSV(data []byte) bool {
	head := string(data[:min(len(data), 4096)])
	n := 0
	for _, l := range strings.Split(head, "\n") {
		if strings.ContainsAny(l, ";,\t|") {
			n++
		}
	}
	return n >= 1
}

// sniffBinary names the files people upload by mistake: archives,
// spreadsheets, PDFs, images, anything holding NUL bytes. The message
// never quotes the file.
func sniffBinary(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil // UTF-16 text: decoded by ReadCSV
	}
	for _, m := range []struct {
		magic, kind, what string
	}{
		{"PK\x03\x04", "zip", "a ZIP archive (or an .xlsx or .ods spreadsheet)"},
		{"PK\x05\x06", "zip", "a ZIP archive (or an .xlsx or .ods spreadsheet)"},
		{"%PDF-", "pdf", "a PDF document"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "spreadsheet", "an Excel (.xls) spreadsheet"},
		{"\x1f\x8b", "binary", "a gzip archive"},
		{"\x89PNG", "binary", "a PNG image"},
		{"\xff\xd8\xff", "binary", "a JPEG image"},
	} {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			return &Error{Kind: m.kind, Detail: "this looks like " + m.what + ", not a bank statement: export the statement as CSV or CAMT.053 XML"}
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return &Error{Kind: "binary", Detail: "this file holds NUL bytes: it is a binary file, not a bank statement (CSV or CAMT.053 XML)"}
	}
	return nil
}

// hashLines gives each line a key of its account, date, amount and label,
// plus its rank among identical lines of the file: two equal transfers on
// one day stay two lines, and the same file (or an overlapping one covering
// whole days) gives the same keys again.
func hashLines(lines []Line) {
	seen := map[string]int{}
	for i := range lines {
		l := &lines[i]
		base := strings.Join([]string{l.Account, l.Date.String(), strconv.FormatInt(l.AmountCents, 10),
			strings.Join(strings.Fields(l.Label), " ")}, "\x1f")
		seen[base]++
		sum := sha256.Sum256([]byte(base + "\x1f" + strconv.Itoa(seen[base])))
		l.Hash = hex.EncodeToString(sum[:16])
	}
}

// methodOf guesses a CSV line's method from its label: French banks write
// PRLV for direct debits.
func methodOf(label string) string {
	u := strings.ToUpper(label)
	if strings.Contains(u, "PRLV") || strings.Contains(u, "PRELEVEMENT") || strings.Contains(u, "PRÉLÈVEMENT") {
		return MethodDirectDebit
	}
	return MethodTransfer
}

// maxPaymentLabel is the length, in bytes, of a payment's label.
const maxPaymentLabel = 500

// CutUTF8 shortens s to at most n bytes without cutting a character in
// two: PostgreSQL refuses invalid UTF-8 and SQLite would keep it.
func CutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
