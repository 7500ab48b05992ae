// Package iban checks bank account identifiers typed by people: IBANs
// (ISO 13616, mod-97 check digits) and BICs (ISO 9362).
package iban

import (
	"errors"
	"strings"
)

// Errors say what is wrong, for logs and tests; forms show their own message.
var (
	ErrFormat   = errors.New("IBAN: not two letters, two digits and up to 30 letters or digits")
	ErrLength   = errors.New("IBAN: wrong length for its country")
	ErrChecksum = errors.New("IBAN: check digits do not match")
)

// lengths of IBANs in the countries whose members an FFDN ISP is likely to
// have (SWIFT IBAN registry). Other countries are only held to the general
// 15–34 range: a wrong entry here would refuse a real account.
var lengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24,
	"FI": 18, "FR": 27, "GB": 22, "GR": 27, "IE": 22, "IT": 27, "LI": 21, "LU": 20,
	"MC": 27, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24, "SM": 27,
}

// Normalize removes spaces and dashes and upper-cases, as IBANs are written
// on paper ("FR76 3000 …") and stored electronically ("FR763000…").
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0' || r == '\u202f':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check validates an IBAN, after Normalize.
func Check(s string) error {
	s = Normalize(s)
	if len(s) < 15 || len(s) > 34 || !letter(s[0]) || !letter(s[1]) || !digit(s[2]) || !digit(s[3]) {
		return ErrFormat
	}
	for i := 4; i < len(s); i++ {
		if !letter(s[i]) && !digit(s[i]) {
			return ErrFormat
		}
	}
	if n, ok := lengths[s[:2]]; ok && len(s) != n {
		return ErrLength
	}
	if mod97(s[4:]+s[:4]) != 1 {
		return ErrChecksum
	}
	return nil
}

// Valid tells whether s is a valid IBAN.
func Valid(s string) bool { return Check(s) == nil }

// mod97 computes the remainder by 97 of the number obtained by replacing
// each letter with two digits (A=10 … Z=35), digit by digit so that no big
// integer is needed.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if digit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	return r
}

// CheckDigits computes the two check digits of an IBAN from its country
// code and BBAN (bank account number), e.g. for test and demo data.
func CheckDigits(country, bban string) string {
	country, bban = Normalize(country), Normalize(bban)
	d := 98 - mod97(bban+country+"00")
	return string([]byte{byte('0' + d/10), byte('0' + d%10)})
}

// Format writes a normalised IBAN in groups of four characters, the way
// people read it off an invoice.
func Format(s string) string {
	s = Normalize(s)
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// NormalizeBIC removes spaces and upper-cases.
func NormalizeBIC(s string) string { return Normalize(s) }

// ValidBIC tells whether s (after NormalizeBIC) has the shape of a BIC:
// 4 letters (bank), 2 letters (country), 2 letters or digits (location),
// and optionally 3 letters or digits (branch).
func ValidBIC(s string) bool {
	s = NormalizeBIC(s)
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch {
		case i < 6 && !letter(s[i]):
			return false
		case i >= 6 && !letter(s[i]) && !digit(s[i]):
			return false
		}
	}
	return true
}

func letter(c byte) bool { return c >= 'A' && c <= 'Z' }
func digit(c byte) bool  { return c >= '0' && c <= '9' }

// ValidCreditorID tells whether a SEPA creditor identifier (ICS in France:
// country, check digits, business code, national identifier, such as
// FR72ZZZ123456) has check digits matching its national identifier. The
// business code (positions 5 to 7) is left out of the check, as the EPC
// rules say.
func ValidCreditorID(s string) bool {
	s = Normalize(s)
	if len(s) < 8 || len(s) > 35 || !letter(s[0]) || !letter(s[1]) || !digit(s[2]) || !digit(s[3]) {
		return false
	}
	for i := 4; i < len(s); i++ {
		if !letter(s[i]) && !digit(s[i]) {
			return false
		}
	}
	return mod97(s[7:]+s[:4]) == 1
}

// CreditorIDCheckDigits computes the check digits of a creditor identifier
// from its country code and national identifier, e.g. for test data.
func CreditorIDCheckDigits(country, nationalID string) string {
	return CheckDigits(country, nationalID)
}
