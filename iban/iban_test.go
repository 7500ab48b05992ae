package iban

import (
	"errors"
	"math/big"
	"testing"
)

func TestCheck(t *testing.T) {
	good := []string{
		"FR76 3000 6000 0112 3456 7890 189", // the French example of the registry
		"fr7630006000011234567890189",
		"DE89 3704 0044 0532 0130 00",
		"GB82 WEST 1234 5698 7654 32",
		"BE68 5390 0754 7034",
		"CH93 0076 2011 6238 5295 7",
		"NO93 8601 1117 947",
		"MT84 MALT 0110 0001 2345 MTLC AST0 01S", // a country without a length entry
	}
	for _, s := range good {
		if err := Check(s); err != nil {
			t.Errorf("Check(%q) = %v", s, err)
		}
	}
	bad := map[string]error{
		"":                                            ErrFormat,
		"FR76":                                        ErrFormat,
		"FR76 3000 6000 0112 3456 7890 188":           ErrChecksum,
		"FR67 3000 6000 0112 3456 7890 189":           ErrChecksum, // swapped check digits
		"FR76 3000 6000 0112 3456 7890 18":            ErrLength,
		"DE89 3704 0044 0532 0130 00 1":               ErrLength,
		"7676 3000 6000 0112 3456 7890 189":           ErrFormat,
		"FR76 3000 6000 0112 3456 7890 18é":           ErrFormat,
		"FR76_3000_6000_0112_3456_7890_189":           ErrFormat,
		"XX00 1234 5678 9012 3456 7890 1234 5678 901": ErrFormat, // 35 characters
	}
	for s, want := range bad {
		if err := Check(s); !errors.Is(err, want) {
			t.Errorf("Check(%q) = %v, want %v", s, err, want)
		}
	}
}

func TestCheckDigitsMakeValidIBANs(t *testing.T) {
	bban := "30006000011234567890189"
	if got := CheckDigits("FR", bban); got != "76" {
		t.Fatalf("CheckDigits = %s, want 76", got)
	}
	s := "FR" + CheckDigits("fr", "1027 8073 0000 0201 2340 154") + "10278073000002012340154"
	if !Valid(s) {
		t.Fatalf("%s is not valid", s)
	}
}

func TestFormat(t *testing.T) {
	if got := Format("fr7630006000011234567890189"); got != "FR76 3000 6000 0112 3456 7890 189" {
		t.Fatalf("Format = %q", got)
	}
}

func TestValidBIC(t *testing.T) {
	for _, s := range []string{"AGRIFRPP", "agrifrpp882", "CCOP FRPP XXX", "DEUTDEFF500"} {
		if !ValidBIC(s) {
			t.Errorf("ValidBIC(%q) = false", s)
		}
	}
	for _, s := range []string{"", "AGRIFRP", "AGRIFRPP88", "AGR1FRPP", "AGRIF1PP", "AGRIFRPP8822", "AGRIFRPP_XX"} {
		if ValidBIC(s) {
			t.Errorf("ValidBIC(%q) = true", s)
		}
	}
}

// FuzzCheck checks on any input that the digit-by-digit remainder matches
// math/big's, that Check never panics, and that it accepts only IBANs that
// are alphanumeric, of a possible length and with remainder 1.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"FR7630006000011234567890189", "GB82WEST12345698765432", "", "FR", "ZZ99ZZZZZZZZZZZZZZZZZZ", "fr76 3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if len(n) >= 4 {
			rot := n[4:] + n[:4]
			if want, ok := bigMod97(rot); ok && mod97(rot) != want {
				t.Fatalf("mod97(%q) = %d, want %d", rot, mod97(rot), want)
			}
		}
		if Check(s) != nil {
			return
		}
		if len(n) < 15 || len(n) > 34 {
			t.Fatalf("accepted %q of length %d", n, len(n))
		}
		if r, ok := bigMod97(n[4:] + n[:4]); !ok || r != 1 {
			t.Fatalf("accepted %q (remainder %d, alphanumeric %v)", n, r, ok)
		}
		if Normalize(Format(n)) != n {
			t.Fatalf("Format does not round-trip %q", n)
		}
	})
}

// bigMod97 is the textbook computation: letters to numbers, one big integer.
func bigMod97(s string) (int, bool) {
	digits := ""
	for _, c := range []byte(s) {
		switch {
		case digit(c):
			digits += string(c)
		case letter(c):
			digits += big.NewInt(int64(c - 'A' + 10)).String()
		default:
			return 0, false
		}
	}
	if digits == "" {
		return 0, true
	}
	v, _ := new(big.Int).SetString(digits, 10)
	return int(new(big.Int).Mod(v, big.NewInt(97)).Int64()), true
}

func TestCreditorID(t *testing.T) {
	for _, ok := range []string{"FR72ZZZ123456", "fr72 zzz 123456", "DE98ZZZ09999999999", "FR" + CreditorIDCheckDigits("FR", "A1B2C3") + "ABCA1B2C3"} {
		if !ValidCreditorID(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "FR73ZZZ123456", "FR72ZZZ12345X", "FR72", "FR72ZZZ", "72FRZZZ123456", "FR72ZZZ1234_56"} {
		if ValidCreditorID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
