// Package bank reads bank statements (CSV exports described by profiles,
// ISO 20022 CAMT.053 XML), matches their credit lines to members, invoices
// and membership fees, and imports the confirmed ones as payments, the
// whole file in one transaction. A line is never imported twice.
package bank

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
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
}

// Error is a statement that cannot be imported, with what to tell the user.
type Error struct {
	Kind   string // message id suffix: too_large, unknown_format, encoding, syntax, empty, line, currency
	Line   int    // 1-based line (CSV) or entry (CAMT) at fault, 0 for the whole file
	Detail string // in English, for the CLI and logs
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Detail)
	}
	return e.Detail
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

// Parse reads a statement of the given format; currency is the billing
// currency (CAMT.053 amounts in another are refused). It refuses, whole, a
// file over maxSize bytes, of an unknown format, badly encoded, or with a
// line it cannot read; it never panics on malformed input.
func Parse(data []byte, format, currency string, profiles map[string]config.BankProfile, maxSize int64) ([]Line, error) {
	if int64(len(data)) > maxSize {
		return nil, &Error{Kind: "too_large", Detail: fmt.Sprintf("the file is %d bytes, more than the %d allowed (bank.max_file_size)", len(data), maxSize)}
	}
	var lines []Line
	var err error
	if format == FormatCAMT053 {
		lines, err = ParseCAMT053(data, currency)
	} else {
		p, ok := profiles[format]
		if !ok {
			return nil, &Error{Kind: "unknown_format", Detail: fmt.Sprintf("unknown format %q (known: %s)", format, strings.Join(Formats(profiles), ", "))}
		}
		if looksLikeXML(data) {
			return nil, &Error{Kind: "unknown_format", Detail: "this file is XML: choose the camt053 format"}
		}
		lines, err = ParseCSV(data, p)
	}
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, &Error{Kind: "empty", Detail: "the statement has no entries"}
	}
	hashLines(lines)
	return lines, nil
}

func looksLikeXML(data []byte) bool {
	s := strings.TrimLeft(string(data[:min(len(data), 64)]), "\ufeff \t\r\n")
	return strings.HasPrefix(s, "<")
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
