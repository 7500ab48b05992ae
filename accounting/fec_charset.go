package accounting

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"coin/date"
)

// Character sets of the FEC. Article A47 A-1 of the livre des procédures
// fiscales names ASCII, ISO 8859-15 or EBCDIC for the file: coin writes
// ISO 8859-15 by default (French texts with accents and € fit), and UTF-8
// stays available for accountants' software that reads it.
const (
	CharsetLatin9 = "iso-8859-15"
	CharsetUTF8   = "utf-8"
)

// Charsets lists the choices, the default first.
var Charsets = []string{CharsetLatin9, CharsetUTF8}

// CharsetError says that a character of the FEC has no ISO 8859-15 code.
type CharsetError struct {
	Line int  // 1-based line of the file (the header is line 1)
	Char rune // the character that does not fit
}

func (e *CharsetError) Error() string {
	return fmt.Sprintf("FEC line %d: %q (U+%04X) has no ISO 8859-15 code (article A47 A-1 LPF): export in UTF-8 or change the text", e.Line, e.Char, e.Char)
}

// EncodeFEC converts a FEC written in UTF-8 (what WriteFEC writes) to
// charset. For ISO 8859-15 it refuses, with a *CharsetError naming the
// first character and its line, a text that does not fit, rather than
// writing a replacement character into the tax office's file.
func EncodeFEC(utf8Text []byte, charset string) ([]byte, error) {
	switch charset {
	case CharsetUTF8:
		return utf8Text, nil
	case CharsetLatin9, "":
	default:
		return nil, fmt.Errorf("FEC character set %q: want %s or %s", charset, CharsetLatin9, CharsetUTF8)
	}
	out := make([]byte, 0, len(utf8Text))
	line := 1
	for i := 0; i < len(utf8Text); {
		r, n := utf8.DecodeRune(utf8Text[i:])
		if r == utf8.RuneError && n <= 1 {
			return nil, &CharsetError{Line: line, Char: r}
		}
		b, ok := charmap.ISO8859_15.EncodeRune(r)
		if !ok {
			return nil, &CharsetError{Line: line, Char: r}
		}
		if r == '\n' {
			line++
		}
		out = append(out, b)
		i += n
	}
	return out, nil
}

// FECFileName is the name the administration gives the file (article A47
// A-1 LPF, BOI-CF-IOR-60-40-20): the SIREN, "FEC" and the closing date of
// the period, YYYYMMDD, e.g. 732829320FEC20261231.txt. Without a SIREN in
// the ISP record it is NOSIREN-FEC20261231.txt, so that nobody mistakes it
// for the final name.
func FECFileName(siren string, closing date.Date) string {
	d := fmt.Sprintf("%04d%02d%02d", closing.Year(), int(closing.Month()), closing.Day())
	if siren == "" {
		return "NOSIREN-FEC" + d + ".txt"
	}
	return siren + "FEC" + d + ".txt"
}
