package bank

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"coin/config"
	"coin/date"
	"coin/money"
)

// ParseCSV reads a CSV export laid out as the profile says.
func ParseCSV(data []byte, p config.BankProfile) ([]Line, error) {
	text, err := decode(data, p.Encoding)
	if err != nil {
		return nil, err
	}
	rest, lineNo := skipLines(text, p.SkipLines)
	r := csv.NewReader(strings.NewReader(rest))
	r.Comma = delimiter(p.Delimiter)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	cols := columns{}
	var out []Line
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		row, _ := r.FieldPos(0)
		row += lineNo
		if err != nil {
			return nil, &Error{Kind: "syntax", Line: row, Detail: fmt.Sprintf("not CSV separated by %q: %v", p.Delimiter, err)}
		}
		if blank(rec) {
			continue
		}
		if p.Header && cols.index == nil {
			if err := cols.fromHeader(rec, p, row); err != nil {
				return nil, err
			}
			continue
		}
		if cols.index == nil {
			if err := cols.fromPositions(p); err != nil {
				return nil, err
			}
		}
		l, skip, err := cols.line(rec, p, row)
		if err != nil {
			return nil, err
		}
		if !skip {
			out = append(out, l)
		}
	}
	return out, nil
}

// decode turns the file into UTF-8, refusing bytes its encoding cannot hold.
func decode(data []byte, encoding string) (string, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return "", &Error{Kind: "encoding", Detail: "the file holds NUL bytes: it is not a text (CSV) file"}
	}
	switch strings.ToLower(encoding) {
	case "utf-8", "utf8", "":
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		if !utf8.Valid(data) {
			line := bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n")) + 1
			return "", &Error{Kind: "encoding", Line: line, Detail: "not valid UTF-8: choose the profile of your bank's encoding (windows-1252, iso-8859-1)"}
		}
		return string(data), nil
	case "windows-1252", "cp1252":
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			line := 1
			if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
				line = bytes.Count(out[:i], []byte("\n")) + 1
			}
			return "", &Error{Kind: "encoding", Line: line, Detail: "a byte has no character in windows-1252"}
		}
		return string(out), nil
	case "iso-8859-1", "latin1":
		out, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
		if err != nil {
			return "", &Error{Kind: "encoding", Detail: "not ISO-8859-1 text"}
		}
		return string(out), nil
	}
	return "", &Error{Kind: "unknown_format", Detail: fmt.Sprintf("unknown encoding %q", encoding)}
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// skipLines drops the first n lines and returns the rest with the number
// of lines dropped.
func skipLines(text string, n int) (string, int) {
	skipped := 0
	for skipped < n && text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			return "", skipped + 1
		}
		text = text[i+1:]
		skipped++
	}
	return text, skipped
}

func delimiter(d string) rune {
	switch d {
	case "tab":
		return '\t'
	case ",":
		return ','
	case "|":
		return '|'
	}
	return ';'
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// columns finds the profile's columns in a record.
type columns struct {
	index map[string]int // role → 0-based column
}

var roles = []string{"date", "label", "amount", "debit", "credit", "reference"}

func roleColumn(p config.BankProfile, role string) string {
	switch role {
	case "date":
		return p.DateColumn
	case "label":
		return p.LabelColumn
	case "amount":
		return p.AmountColumn
	case "debit":
		return p.DebitColumn
	case "credit":
		return p.CreditColumn
	}
	return p.ReferenceColumn
}

func (c *columns) fromHeader(rec []string, p config.BankProfile, row int) error {
	c.index = map[string]int{}
	for _, role := range roles {
		want := roleColumn(p, role)
		if want == "" {
			continue
		}
		if n, err := strconv.Atoi(want); err == nil && n > 0 {
			c.index[role] = n - 1
			continue
		}
		found := -1
		for i, h := range rec {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), want) {
				found = i
				break
			}
		}
		if found < 0 {
			return &Error{Kind: "syntax", Line: row, Detail: fmt.Sprintf("no column %q in the header (%s): is this the right profile?", want, strings.Join(rec, p.Delimiter))}
		}
		c.index[role] = found
	}
	return nil
}

func (c *columns) fromPositions(p config.BankProfile) error {
	c.index = map[string]int{}
	for _, role := range roles {
		want := roleColumn(p, role)
		if want == "" {
			continue
		}
		n, err := strconv.Atoi(want)
		if err != nil || n < 1 {
			return &Error{Kind: "unknown_format", Detail: fmt.Sprintf("column %q is named but the profile has no header", want)}
		}
		c.index[role] = n - 1
	}
	return nil
}

func (c *columns) field(rec []string, role string) string {
	i, ok := c.index[role]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// line reads one record; skip is true for rows without a date or an
// amount (totals, balances and other trailers banks add).
func (c *columns) line(rec []string, p config.BankProfile, row int) (Line, bool, error) {
	d := c.field(rec, "date")
	if d == "" || c.field(rec, "amount")+c.field(rec, "debit")+c.field(rec, "credit") == "" {
		return Line{}, true, nil
	}
	t, err := time.Parse(p.DateFormat, d)
	if err != nil {
		return Line{}, false, &Error{Kind: "line", Line: row, Detail: fmt.Sprintf("date %q does not read as %s", d, p.DateFormat)}
	}
	l := Line{Date: date.Of(t), Label: strings.Join(strings.Fields(c.field(rec, "label")), " "),
		Reference: c.field(rec, "reference")}
	if _, ok := c.index["amount"]; ok {
		l.AmountCents, err = amount(c.field(rec, "amount"), p.DecimalSeparator)
		if err != nil {
			return Line{}, false, &Error{Kind: "line", Line: row, Detail: err.Error()}
		}
		if p.Sign == "credit_negative" {
			l.AmountCents = -l.AmountCents
		}
	} else {
		debit, credit := c.field(rec, "debit"), c.field(rec, "credit")
		switch {
		case credit != "" && debit == "":
			l.AmountCents, err = amount(credit, p.DecimalSeparator)
			l.AmountCents = abs(l.AmountCents)
		case debit != "" && credit == "":
			l.AmountCents, err = amount(debit, p.DecimalSeparator)
			l.AmountCents = -abs(l.AmountCents)
		default:
			err = fmt.Errorf("one of debit %q and credit %q must hold the amount", debit, credit)
		}
		if err != nil {
			return Line{}, false, &Error{Kind: "line", Line: row, Detail: err.Error()}
		}
	}
	l.Method = methodOf(l.Label)
	return l, false, nil
}

var spaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// amount reads a bank amount written with the profile's decimal separator.
func amount(s, decimalSep string) (int64, error) {
	clean := spaces.Replace(s)
	if decimalSep == "," {
		clean = strings.ReplaceAll(clean, ".", "")
		clean = strings.Replace(clean, ",", ".", 1)
	} else {
		clean = strings.ReplaceAll(clean, ",", "")
	}
	if i := strings.IndexByte(clean, '.'); strings.Count(clean, ".") > 1 || (i >= 0 && len(clean)-i-1 > 2) {
		return 0, fmt.Errorf("amount %q is not a number", s)
	}
	c, err := money.Parse(clean)
	if err != nil {
		return 0, fmt.Errorf("amount %q is not a number with at most two decimals", s)
	}
	return c, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
