// Package textenc turns the text files people export from banks, other
// member systems and spreadsheets into UTF-8: UTF-8 with or without a byte
// order mark, UTF-16 with one, Windows-1252 and ISO-8859-1.
package textenc

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Auto asks Decode to find the encoding itself.
const Auto = "auto"

// Error says why a file is not text of its encoding. Line is 1-based, 0
// when unknown.
type Error struct {
	Kind   string // "encoding", "binary" or "unknown_encoding"
	Line   int
	Detail string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Detail)
	}
	return e.Detail
}

// Decode turns data into UTF-8, refusing bytes its encoding cannot hold,
// and says which encoding it read. A UTF-8 byte order mark, or valid UTF-8
// holding non-ASCII letters, is UTF-8 whatever encoding says (a
// Windows-1252 file is never valid UTF-8 once it has an accent); a UTF-16
// byte order mark is UTF-16. encoding "" is UTF-8; Auto reads a file that
// is not UTF-8 as Windows-1252, or ISO-8859-1 when it holds one of the five
// bytes Windows-1252 leaves undefined.
func Decode(data []byte, encoding string) (string, string, error) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) || bytes.IndexByte(out, 0) >= 0 {
			return "", "", &Error{Kind: "encoding", Detail: "not valid UTF-16 text"}
		}
		return string(out), "utf-16", nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", &Error{Kind: "binary", Detail: "the file holds NUL bytes: it is not a text (CSV) file"}
	}
	enc := strings.ToLower(encoding)
	if bom := bytes.HasPrefix(data, []byte("\ufeff")); bom || (utf8.Valid(data) && !ascii(data)) {
		enc = "utf-8"
	}
	if enc == Auto {
		enc = "windows-1252"
		if utf8.Valid(data) {
			enc = "utf-8"
		} else if undefined1252(data) {
			enc = "iso-8859-1"
		}
	}
	switch enc {
	case "utf-8", "utf8", "":
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		if !utf8.Valid(data) {
			line := bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n")) + 1
			return "", "", &Error{Kind: "encoding", Line: line, Detail: "not valid UTF-8: choose the profile of your bank's encoding (windows-1252, iso-8859-1)"}
		}
		return string(data), "utf-8", nil
	case "windows-1252", "cp1252":
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			line := 1
			if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
				line = bytes.Count(out[:i], []byte("\n")) + 1
			}
			return "", "", &Error{Kind: "encoding", Line: line, Detail: "a byte has no character in windows-1252"}
		}
		return string(out), "windows-1252", nil
	case "iso-8859-1", "latin1":
		out, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", &Error{Kind: "encoding", Detail: "not ISO-8859-1 text"}
		}
		return string(out), "iso-8859-1", nil
	}
	return "", "", &Error{Kind: "unknown_encoding", Detail: fmt.Sprintf("unknown encoding %q", encoding)}
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
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

// undefined1252 tells whether data holds one of the bytes Windows-1252
// gives no character (0x81, 0x8D, 0x8F, 0x90, 0x9D).
func undefined1252(data []byte) bool {
	for _, c := range data {
		switch c {
		case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
			return true
		}
	}
	return false
}
