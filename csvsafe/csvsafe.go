// Package csvsafe writes the CSV files coin hands out so that no cell
// typed by someone else runs as a spreadsheet formula: a member's name
// "=cmd|' /C calc'!A0", or a bank label "=HYPERLINK(…)" chosen by whoever
// sent the transfer. Every CSV coin writes goes through Writer.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
)

// number is what a cell may start with =, +, - or @ and still be data:
// an amount such as -15.00.
var number = regexp.MustCompile(`^[-+]?[0-9]+([.,][0-9]+)?$`)

// Text neutralises a cell a spreadsheet would read as a formula (it starts
// with =, +, -, @, a tab or a carriage return) by putting an apostrophe
// before it, as OWASP advises; plain numbers are left as they are.
func Text(s string) string {
	if s == "" || number.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer whose every cell goes through Text.
type Writer struct{ w *csv.Writer }

// NewWriter writes CSV to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one row, each cell escaped.
func (w *Writer) Write(row []string) error {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Text(c)
	}
	return w.w.Write(out)
}

// Flush writes what is buffered and returns the first error met.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
