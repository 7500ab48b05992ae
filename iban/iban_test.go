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
	s := "FR" + CheckDigits("fr", "1027 8073 0000 0201 2340 156") + "10278073000002012340156"
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

func TestFrenchRIBKey(t *testing.T) {
	// 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), letters by the
	// RIB table; the sums are worked out in the comments.
	for _, c := range []struct{ bank, branch, account, key string }{
		{"30006", "00001", "12345678901", "89"}, // the registry's French example IBAN
		{"30003", "01005", "00000000042", "74"}, // 89×30003 + 15×1005 + 3×42 = 2685468 = 97×27685 + 23
		{"10000", "00000", "00000000000", "72"}, // 890000 = 97×9175 + 25
		{"00000", "00000", "0000000000A", "94"}, // A counts 1: 3
		{"00000", "00000", "0000000000S", "91"}, // S counts 2: 6
		{"00000", "00000", "0000000000z", "70"}, // z, as Z, counts 9: 27
		{"00000", "00000", "000000000JR", "40"}, // J 1, R 9: 3×19 = 57
		{"00000", "00000", "00000000000", "97"}, // 97 − 0: a key is never 00
	} {
		if got := RIBKey(c.bank, c.branch, c.account); got != c.key {
			t.Errorf("RIBKey(%s, %s, %s) = %s, want %s", c.bank, c.branch, c.account, got, c.key)
		}
	}
	if RIBKey("20041", "01005", "0500013M026") != RIBKey("20041", "01005", "05000134026") {
		t.Fatal("M does not count 4")
	}
	// The IBAN of issue 20: its check digits are right, its RIB key is not.
	if !mod97ok("FR6330003010050000000004217") {
		t.Fatal("the test IBAN should pass the IBAN checksum")
	}
	if err := Check("FR63 3000 3010 0500 0000 0004 217"); !errors.Is(err, ErrRIBKey) {
		t.Fatalf("wrong RIB key: %v", err)
	}
	for _, bban := range []string{
		"30003010050000000004274", // the same account with its right key
		"20041010050500013M02606", // an account number with a letter
	} {
		if err := Check("FR" + CheckDigits("FR", bban) + bban); err != nil {
			t.Errorf("%s: %v", bban, err)
		}
	}
	// Monaco's IBANs end with a RIB key too.
	good, bad := "12739000700011111000H79", "12739000700011111000H78"
	if err := Check("MC" + CheckDigits("MC", good) + good); err != nil {
		t.Errorf("Monaco: %v", err)
	}
	if err := Check("MC" + CheckDigits("MC", bad) + bad); !errors.Is(err, ErrRIBKey) {
		t.Errorf("Monaco, wrong key: %v", err)
	}
	// Letters where the bank code or the key are digits.
	for _, bban := range []string{"3000A010050000000004274", "300030100500000000042A4"} {
		if err := Check("FR" + CheckDigits("FR", bban) + bban); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", bban, err)
		}
	}
	// Other countries have no RIB key.
	if err := Check("DE89 3704 0044 0532 0130 00"); err != nil {
		t.Fatal(err)
	}
}

func mod97ok(s string) bool { return mod97(s[4:]+s[:4]) == 1 }

func TestCheckBICCountry(t *testing.T) {
	fr := "FR7630006000011234567890189"
	for bic, want := range map[string]error{
		"AGRIFRPP": nil, "agrifrppxxx": nil, "BNPAGPGP": nil, "BNPAREREXXX": nil, "CEPAMCM1": nil,
		"BDAFNCNC": nil, "SOGEPFPF": nil, "BPSMPMPM": nil, "CMCIYTYT": nil, "BRBAMQMQ": nil, "XXXXGFGF": nil,
		"XXXXBLBL": nil, "XXXXMFMF": nil, "XXXXWFWF": nil,
		"DEUTDEFF": ErrBICCountry, "COBADEFFXXX": ErrBICCountry, "BBRUBEBB": ErrBICCountry, "XXXXCHXX": ErrBICCountry,
	} {
		if err := CheckBICCountry(bic, fr); !errors.Is(err, want) {
			t.Errorf("%s with a French IBAN: %v, want %v", bic, err, want)
		}
	}
	if err := CheckBICCountry("AGRIFRPP", "DE89370400440532013000"); err != nil {
		t.Errorf("other IBAN countries are not held to the rule here: %v", err)
	}
}

func TestBankCode(t *testing.T) {
	for s, want := range map[string]string{
		"FR76 3000 6000 0112 3456 7890 189":      "FR30006",
		"DE89 3704 0044 0532 0130 00":            "DE37040044",
		"BE68 5390 0754 7034":                    "BE539",
		"GB82 WEST 1234 5698 7654 32":            "GBWEST",
		"MT84 MALT 0110 0001 2345 MTLC AST0 01S": "", // not listed
	} {
		got, ok := BankCode(s)
		if got != want || ok != (want != "") {
			t.Errorf("BankCode(%q) = %q %v, want %q", s, got, ok, want)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"FR7630006000011234567890189":       "•••• 0189",
		"FR76 3000 6000 0112 3456 7890 189": "•••• 0189",
		"de89-3704-0044-0532-0130-00":       "•••• 3000",
		"AB1":                               "••••",
		"":                                  "••••",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
