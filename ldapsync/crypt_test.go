package ldapsync

import (
	"os/exec"
	"strings"
	"testing"
)

func TestSHA512CryptKnownVectors(t *testing.T) {
	// From Drepper's specification.
	if got := sha512Crypt([]byte("Hello world!"), []byte("saltstring")); got !=
		"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1" {
		t.Fatalf("vector 1: %s", got)
	}
	// A password longer than a digest, and openssl's answer when it is there.
	pw := strings.Repeat("coin-password-", 6)
	got := sha512Crypt([]byte(pw), []byte("0123456789abcdef"))
	if out, err := exec.Command("openssl", "passwd", "-6", "-salt", "0123456789abcdef", pw).Output(); err == nil {
		if want := strings.TrimSpace(string(out)); got != want {
			t.Fatalf("long password: %s, openssl %s", got, want)
		}
	}
	if h := HashCrypt("x"); !strings.HasPrefix(h, "{CRYPT}$6$") || len(h) != len("{CRYPT}$6$")+16+1+86 {
		t.Fatalf("HashCrypt: %s", h)
	}
}
