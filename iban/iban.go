// Package iban checks bank account identifiers typed by people: IBANs
// (ISO 13616, mod-97 check digits, and the national RIB key of French and
// Monegasque ones) and BICs (ISO 9362).
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
	// ErrRIBKey is a French (or Monegasque) IBAN whose last two digits,
	// the national RIB key, do not match its bank, branch and account
	// numbers: the IBAN check digits were computed over a wrong RIB.
	ErrRIBKey = errors.New("IBAN: the French RIB key (last two digits) does not match the bank, branch and account numbers")
	// ErrBICCountry is a BIC of another country than the IBAN's.
	ErrBICCountry = errors.New("BIC: its country (characters 5 and 6) is not the IBAN's")
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
	if c := s[:2]; c == "FR" || c == "MC" {
		bban := s[4:]
		if !allDigits(bban[:10]) || !allDigits(bban[21:]) {
			return ErrFormat // bank, branch and key are digits; the account may hold letters
		}
		if RIBKey(bban[:5], bban[5:10], bban[10:21]) != bban[21:] {
			return ErrRIBKey
		}
	}
	return nil
}

// RIBKey computes the key of a French RIB (relevé d'identité bancaire)
// from its bank code (5 characters), branch code (5) and account number
// (11): 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), letters
// counting as digits by the RIB table (A, J → 1; B, K, S → 2; … I, R, Z → 9).
// French and Monegasque IBANs end with it.
func RIBKey(bank, branch, account string) string {
	bank, branch, account = Normalize(bank), Normalize(branch), Normalize(account)
	r := (89*ribMod97(bank) + 15*ribMod97(branch) + 3*ribMod97(account)) % 97
	k := 97 - r
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}

// ribMod97 is the remainder by 97 of a RIB field, its letters turned into
// digits by the RIB table.
func ribMod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case digit(c):
			d = int(c - '0')
		case c >= 'A' && c <= 'I':
			d = int(c-'A') + 1
		case c >= 'J' && c <= 'R':
			d = int(c-'J') + 1
		case c >= 'S' && c <= 'Z':
			d = int(c-'S') + 2
		}
		r = (r*10 + d) % 97
	}
	return r
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !digit(s[i]) {
			return false
		}
	}
	return true
}

// bicCountries are the BIC countries a French IBAN goes with: France, its
// overseas departments and communities (Guadeloupe, French Guiana,
// Martinique, Réunion, Mayotte, Saint-Pierre-et-Miquelon, Saint-Barthélemy,
// Saint-Martin, New Caledonia, French Polynesia, Wallis and Futuna), whose
// banks have BICs of their own country code, and Monaco.
var bicCountries = map[string]string{
	"FR": "FR GP GF MQ RE YT PM BL MF NC PF WF MC",
}

// CheckBICCountry tells whether a BIC may go with an IBAN: the SEPA rule is
// that the BIC's country (characters 5 and 6) is the IBAN's, with the
// exceptions of French IBANs above. For other IBAN countries than France
// only a shape is checked elsewhere: their exceptions (Channel Islands,
// Åland…) are not listed here, and a wrong refusal would block a member.
func CheckBICCountry(bic, ibanStr string) error {
	bic, ibanStr = NormalizeBIC(bic), Normalize(ibanStr)
	if len(bic) < 6 || len(ibanStr) < 2 {
		return nil // shapes are checked by ValidBIC and Check
	}
	allowed, ok := bicCountries[ibanStr[:2]]
	if !ok {
		return nil
	}
	for _, c := range strings.Fields(allowed) {
		if bic[4:6] == c {
			return nil
		}
	}
	return ErrBICCountry
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

// bankCodes are where the national bank code sits in the BBAN of some
// countries' IBANs (offset, length), from the SWIFT IBAN registry.
var bankCodes = map[string][2]int{
	"AT": {0, 5}, "BE": {0, 3}, "CH": {0, 5}, "DE": {0, 8}, "ES": {0, 4}, "FR": {0, 5}, "GB": {0, 4},
	"IT": {1, 5}, "LU": {0, 3}, "MC": {0, 5}, "NL": {0, 4}, "PT": {0, 4},
}

// BankCode returns the country and national bank code of a valid IBAN
// ("FR" and "30006" for FR76 3000 6…), and false for countries whose bank
// code position is not listed here.
func BankCode(s string) (string, bool) {
	s = Normalize(s)
	if len(s) < 4 {
		return "", false
	}
	p, ok := bankCodes[s[:2]]
	if !ok || len(s) < 4+p[0]+p[1] {
		return "", false
	}
	return s[:2] + s[4+p[0]:4+p[0]+p[1]], true
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

// Mask shows only the last four characters of an account, as pages,
// e-mails and PDFs print a member's IBAN: "•••• 0189". Spaces and dashes
// typed in it do not count; an account shorter than that shows as "••••".
func Mask(s string) string {
	s = Normalize(s)
	if len(s) < 4 {
		return "••••"
	}
	return "•••• " + s[len(s)-4:]
}
