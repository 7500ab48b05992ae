// Package numbering prints the numbers of invoices and credit notes from a
// pattern such as "YYYY-NNNNNN".
package numbering

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var patternRE = regexp.MustCompile(`N{3,}`)

// Check validates a number pattern such as "YYYY-NNNNNN": a run
// of at least three N for the sequence, optionally YYYY (or YY) for the
// year, which then restarts the sequence every year.
func Check(p string) error {
	if len(patternRE.FindAllString(p, -1)) != 1 {
		return errors.New("needs exactly one run of at least three N (the sequence), e.g. YYYY-NNNNNN")
	}
	if strings.ContainsAny(p, "/\\\n\t") {
		return errors.New("cannot contain slashes, tabs or new lines")
	}
	return nil
}

// Yearly tells whether a pattern's sequence restarts every year.
func Yearly(p string) bool { return strings.Contains(p, "YY") }

// Format renders a pattern for a year and a sequence value. A
// sequence longer than its run of N is printed in full, never cut.
func Format(p string, year, seq int) string {
	out := patternRE.ReplaceAllStringFunc(p, func(run string) string {
		return fmt.Sprintf("%0*d", len(run), seq)
	})
	y := strconv.Itoa(year)
	out = strings.Replace(out, "YYYY", y, 1)
	if len(y) >= 2 {
		out = strings.Replace(out, "YY", y[len(y)-2:], 1)
	}
	return out
}

// SequenceYear is the year a sequence counts in: the issue year for yearly
// patterns, 0 for a sequence that never restarts.
func SequenceYear(p string, issueYear int) int {
	if Yearly(p) {
		return issueYear
	}
	return 0
}

// Clash tells whether two patterns could print the same number.
func Clash(a, b string) bool {
	strip := regexp.MustCompile(`N{3,}|YYYY|YY`)
	return strip.ReplaceAllString(a, "#") == strip.ReplaceAllString(b, "#")
}
