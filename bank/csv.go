package bank

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"coin/config"
	"coin/date"
	"coin/money"
	"coin/textenc"
)

// headerSearchLines is how far from the top (after skip_lines) the header
// row is looked for.
const headerSearchLines = 30

// ParseCSV reads a CSV export laid out as the profile says.
func ParseCSV(data []byte, p config.BankProfile) ([]Line, error) {
	lines, _, err := ReadCSV(data, p)
	return lines, err
}

// ReadCSV reads a CSV export laid out as the profile says, and how it was
// read. With header = true the header row is found, not counted: the first
// of the first 30 lines that holds every column the profile names by its
// title (after skip_lines lines when the profile sets it, else — or when
// those lines held it — from the top). Lines after the last entry that
// have no date (a balance, totals) are skipped and counted; such a line
// before an entry refuses the file.
func ReadCSV(data []byte, p config.BankProfile) ([]Line, Reading, error) {
	if err := sniffBinary(data); err != nil {
		return nil, Reading{}, err
	}
	text, enc, err := decode(data, p.Encoding)
	if err != nil {
		return nil, Reading{}, err
	}
	lines, skipped, err := readRecords(text, p, p.SkipLines)
	var nh *noHeader
	if errors.As(err, &nh) && p.SkipLines > 0 {
		lines, skipped, err = readRecords(text, p, 0)
	}
	if errors.As(err, &nh) {
		err = nh.err
	}
	if err != nil {
		return nil, Reading{}, err
	}
	return lines, Reading{Encoding: enc, Skipped: skipped}, nil
}

// noHeader is a file without the profile's header row.
type noHeader struct{ err *Error }

func (e *noHeader) Error() string { return e.err.Error() }
func (e *noHeader) Unwrap() error { return e.err }

func readRecords(text string, p config.BankProfile, skip int) ([]Line, int, error) {
	rest, lineNo := skipLines(text, skip)
	r := csv.NewReader(strings.NewReader(rest))
	r.Comma = delimiter(p.Delimiter)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	titles := headerTitles(p)
	cols := columns{}
	var out []Line
	var pending *Error // the first line without a date since the last entry
	trailing := 0      // lines that are not entries since the last entry
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		row, _ := r.FieldPos(0)
		row += lineNo
		if p.Header && cols.index == nil && len(titles) > 0 {
			if row-lineNo > headerSearchLines {
				break
			}
			if err == nil && holdsAll(rec, titles) {
				if err := cols.fromHeader(rec, p, row); err != nil {
					return nil, 0, err
				}
			}
			continue // preamble: account number, balance, blank lines…
		}
		if err != nil {
			return nil, 0, &Error{Kind: "syntax", Line: row, Detail: fmt.Sprintf("not CSV separated by %q: %v", p.Delimiter, err)}
		}
		if blank(rec) {
			continue
		}
		if p.Header && cols.index == nil {
			if err := cols.fromHeader(rec, p, row); err != nil {
				return nil, 0, err
			}
			continue
		}
		if cols.index == nil {
			if err := cols.fromPositions(p); err != nil {
				return nil, 0, err
			}
		}
		l, skip, err := cols.line(rec, p, row)
		var nd *noDate
		switch {
		case errors.As(err, &nd):
			if pending == nil {
				pending = nd.err
			}
			trailing++
		case err != nil:
			return nil, 0, err
		case skip:
			trailing++
		default:
			if pending != nil {
				return nil, 0, pending
			}
			trailing = 0
			out = append(out, l)
		}
	}
	if p.Header && cols.index == nil && len(titles) > 0 {
		quoted := make([]string, len(titles))
		for i, t := range titles {
			quoted[i] = strconv.Quote(t)
		}
		return nil, 0, &noHeader{err: &Error{Kind: "syntax", Detail: fmt.Sprintf("no line among the first %d holds the columns %s: is this the right profile?",
			headerSearchLines, strings.Join(quoted, ", "))}}
	}
	if len(out) == 0 && pending != nil {
		return nil, 0, pending
	}
	return out, trailing, nil
}

// headerTitles are the columns a profile names by their title.
func headerTitles(p config.BankProfile) []string {
	var out []string
	for _, role := range roles {
		if c := roleColumn(p, role); c != "" {
			if n, err := strconv.Atoi(c); err != nil || n < 1 {
				out = append(out, c)
			}
		}
	}
	return out
}

func holdsAll(rec, titles []string) bool {
	for _, t := range titles {
		if title(rec, t) < 0 {
			return false
		}
	}
	return true
}

// title is the column of rec whose text is t, -1 when none.
func title(rec []string, t string) int {
	for i, h := range rec {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), t) {
			return i
		}
	}
	return -1
}

// decode turns the file into UTF-8 (textenc.Decode) and says which
// encoding it read; its refusals are the statement's errors.
func decode(data []byte, encoding string) (string, string, error) {
	text, enc, err := textenc.Decode(data, encoding)
	var te *textenc.Error
	if errors.As(err, &te) {
		kind := te.Kind
		if kind == "unknown_encoding" {
			kind = "unknown_format"
		}
		return "", "", &Error{Kind: kind, Line: te.Line, Detail: te.Detail}
	}
	return text, enc, err
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
		found := title(rec, want)
		if found < 0 {
			return &Error{Kind: "syntax", Line: row, Detail: fmt.Sprintf("no column %q in the header (line %d): is this the right profile?", want, row)}
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

// noDate is a line whose date column holds no date: a balance or total
// when it comes after the last entry, an error before one.
type noDate struct{ err *Error }

func (e *noDate) Error() string { return e.err.Error() }
func (e *noDate) Unwrap() error { return e.err }

// line reads one record; skip is true for rows without an amount, or
// without a date and an amount (labels continued, totals, balances…).
func (c *columns) line(rec []string, p config.BankProfile, row int) (Line, bool, error) {
	d := c.field(rec, "date")
	if c.field(rec, "amount")+c.field(rec, "debit")+c.field(rec, "credit") == "" {
		return Line{}, true, nil
	}
	t, err := time.Parse(p.DateFormat, d)
	if err != nil {
		return Line{}, false, &noDate{err: &Error{Kind: "line", Line: row, Detail: fmt.Sprintf("date %q does not read as %s", d, p.DateFormat)}}
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
