package ispdb

import (
	"testing"

	"coin/store"
)

// TestSIREN: a SIREN is 9 digits whose Luhn sum is a multiple of 10
// (INSEE, répertoire SIRENE); it names the FEC file (article A47 A-1 LPF).
func TestSIREN(t *testing.T) {
	for _, s := range []string{"732829320", "356000000", "542051180", "404833048"} {
		if !ValidSIREN(s) {
			t.Errorf("%s refused", s)
		}
	}
	for _, s := range []string{"732829321", "123456789", "73282932", "7328293200", "73282932a", ""} {
		if ValidSIREN(s) {
			t.Errorf("%s accepted", s)
		}
	}
	schema := newSchema(t)
	f := validForm()
	f.SIREN = " 732 829 320 "
	r := &store.ISP{}
	if errs := f.Validate(r, schema); errs.Any() || r.SIREN != "732829320" {
		t.Fatalf("spaced SIREN: %v %q", errs, r.SIREN)
	}
	if FromRecord(r).SIREN != "732829320" {
		t.Fatal("SIREN not shown back")
	}
	f = validForm()
	f.SIREN = "732829321"
	if errs := f.Validate(&store.ISP{}, schema); errs.Get("siren") != "ispdb.err.siren" {
		t.Fatalf("bad check digit: %v", errs)
	}
	f = validForm()
	if errs := f.Validate(r, schema); errs.Any() || r.SIREN != "" {
		t.Fatalf("empty SIREN clears it: %v %q", errs, r.SIREN)
	}
}
