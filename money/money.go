// Package money parses and prints amounts held as integer cents.
//
// Amounts never pass through floating point: "12,50" becomes 1250 by reading
// digits, and printing splits cents with integer division.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// ErrInvalid is returned for text that is not an amount.
var ErrInvalid = errors.New("not an amount")

// maxCents keeps sums of many amounts far from int64 overflow (10^13 cents).
const maxCents = 10_000_000_000_000

// noise is what Parse drops: currency signs and digit group separators.
// Built once: a bank import parses tens of thousands of amounts.
var noise = strings.NewReplacer("€", "", "$", "", "£", "", "CHF", "", "EUR", "", "\u00a0", "", "\u202f", "", " ", "", "'", "")

// Parse reads an amount written by a person or a bank: "12", "12.5", "12,50",
// "-3.20", "1 234,56", "1,234.56", "€ 12.00". At most two decimals.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = noise.Replace(s)
	if s == "" {
		return 0, ErrInvalid
	}
	if strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return 0, ErrInvalid // "-", ".", ",": a typo, not zero
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 {
		intPart, frac = s[:i], s[i+1:]
	}
	// What remains of separators in the integer part must be thousands
	// groups of three digits.
	if groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == '.' || r == ',' }); len(groups) > 1 {
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrInvalid
			}
		}
	}
	intPart = strings.NewReplacer(",", "", ".", "").Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	if !digits(intPart) || !digits(frac) || len(intPart) > 13 {
		return 0, ErrInvalid
	}
	for len(frac) < 2 {
		frac += "0"
	}
	units, _ := strconv.ParseInt(intPart, 10, 64)
	cents, _ := strconv.ParseInt(frac, 10, 64)
	total := units*100 + cents
	if total > maxCents {
		return 0, ErrInvalid
	}
	if neg {
		total = -total
	}
	return total, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Plain prints cents as "1234.56" (no grouping, dot), for forms, CSV and XML.
func Plain(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + strconv.FormatInt(cents/100, 10) + "." + twoDigits(cents%100)
}

// Decimal prints cents with the given decimal separator and no grouping ("1234,56").
func Decimal(cents int64, sep string) string {
	return strings.Replace(Plain(cents), ".", sep, 1)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Symbol returns the sign people write for an ISO 4217 currency code.
func Symbol(currency string) string {
	switch strings.ToUpper(currency) {
	case "EUR":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	default:
		return strings.ToUpper(currency)
	}
}

// Format prints an amount the way readers of lang expect:
// French "1 234,56 €", English "€1,234.56".
func Format(cents int64, currency, lang string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	frac := twoDigits(cents % 100)
	sym := Symbol(currency)
	if lang == "fr" {
		return sign + group(units, "\u202f") + "," + frac + "\u00a0" + sym
	}
	if len(sym) > 1 && sym == strings.ToUpper(currency) {
		return sign + sym + "\u00a0" + group(units, ",") + "." + frac
	}
	return sign + sym + group(units, ",") + "." + frac
}

func group(units, sep string) string {
	if len(units) <= 3 {
		return units
	}
	var b strings.Builder
	head := len(units) % 3
	if head > 0 {
		b.WriteString(units[:head])
	}
	for i := head; i < len(units); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(units[i : i+3])
	}
	return b.String()
}
