package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"coin/store"
	"coin/textenc"
)

// FileError refuses a whole file: nothing of it is read. Key is a message
// id of i18n/locales, Data its arguments.
type FileError struct {
	Key  string
	Data map[string]any
}

func (e *FileError) Error() string {
	s := e.Key
	for k, v := range e.Data {
		s += " " + k + "=" + toString(v)
	}
	return s
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return ""
}

// table is a file read: its header titles and its lines, each field keyed
// by the profile's names.
type table struct {
	Encoding  string
	Separator string
	Titles    map[string]string // field → title as in the file, for messages
	Rows      []row
}

type row struct {
	Line   int // 1-based line of the file where the record starts
	Fields map[string]string
	Config map[string]string // cfg_* columns, without the prefix
}

// separator picks ';', ',' or tab: the one the header line holds most of
// outside quotes.
func separator(text string) rune {
	line := text
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		line = text[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func normTitle(s string) string { return strings.TrimSpace(store.Fold(s)) }

// read decodes data and maps its header onto p's fields for kind.
func read(data []byte, p *Profile, kind Kind) (*table, error) {
	text, enc, err := textenc.Decode(data, textenc.Auto)
	var te *textenc.Error
	if errors.As(err, &te) {
		return nil, &FileError{Key: "import.err_encoding", Data: map[string]any{"Line": te.Line}}
	}
	if err != nil {
		return nil, err
	}
	sep := separator(text)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, &FileError{Key: "import.err_empty"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := p.Columns[kind]
	byTitle := map[string]string{}
	for field, titles := range cols {
		for _, t := range titles {
			byTitle[normTitle(t)] = field
		}
	}
	t := &table{Encoding: enc, Separator: string(sep), Titles: map[string]string{}}
	index := map[int]string{}
	config := map[int]string{}
	for i, h := range header {
		n := normTitle(h)
		if f, ok := byTitle[n]; ok {
			if _, dup := t.Titles[f]; !dup {
				index[i], t.Titles[f] = f, strings.TrimSpace(h)
			}
		} else if name, ok := strings.CutPrefix(n, configPrefix); ok && kind == Subscriptions && name != "" {
			config[i] = name
		}
	}
	if err := t.required(kind, cols); err != nil {
		return nil, err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		rw := row{Line: line, Fields: map[string]string{}, Config: map[string]string{}}
		for i, v := range rec {
			if p.Source == "coin" {
				v = unformula(v)
			}
			if f, ok := index[i]; ok {
				rw.Fields[f] = p.value(f, strings.TrimSpace(v))
			} else if c, ok := config[i]; ok {
				rw.Config[c] = strings.TrimSpace(v)
			}
		}
		t.Rows = append(t.Rows, rw)
	}
	return t, nil
}

// required refuses a header without the columns a kind cannot do without.
func (t *table) required(kind Kind, cols map[string][]string) error {
	need := map[Kind][][]string{
		Members:       {{fEmail}},
		Fees:          {{fAmount}, {fStart}, {fMemberRef, fMemberLogin}},
		Subscriptions: {{fOffer}, {fStart}, {fMemberRef, fMemberLogin}},
	}[kind]
	for _, alts := range need {
		found := false
		for _, f := range alts {
			if _, ok := t.Titles[f]; ok {
				found = true
			}
		}
		if !found {
			var names []string
			for _, f := range alts {
				if titles := cols[f]; len(titles) > 0 {
					names = append(names, titles[0])
				}
			}
			return &FileError{Key: "import.err_missing_column", Data: map[string]any{"Column": strings.Join(names, " / ")}}
		}
	}
	return nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{Key: "import.err_csv", Data: map[string]any{"Line": pe.StartLine}}
	}
	return err
}

// dateLayouts are the ways exports write a day: ISO (with a time from
// Django), or day first as French software does.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05", "02/01/2006", "02/01/2006 15:04", "2/1/2006"}

// isoDate rewrites a day in one of dateLayouts as YYYY-MM-DD; anything
// else is returned as it is, for the form's validation to refuse.
func isoDate(s string) string {
	if s == "" {
		return ""
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}
