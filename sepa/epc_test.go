package sepa_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
)

// The EPC rules for the identifiers of a SEPA message: no "/" first or
// last, no "//" anywhere.
func TestMandateReferenceSlashes(t *testing.T) {
	today := date.MustParse("2027-03-01")
	for ref, want := range map[string]string{
		"/RUM1": "sepa.err.reference_slash", "RUM1/": "sepa.err.reference_slash", "RUM//1": "sepa.err.reference_slash",
		"/": "sepa.err.reference_slash", "//": "sepa.err.reference_slash", "A///B": "sepa.err.reference_slash",
		"RUM/2027/1": "", "R/U-M:1": "", "RUM 1": "sepa.err.reference",
	} {
		var d store.Mandate
		errs := sepa.CheckMandate(sepa.MandateInput{Reference: ref, SignatureDate: "2027-02-15",
			IBAN: "FR7630006000011234567890189", SequenceType: model.SeqFirst}, today, &d)
		if got := errs.Get("reference"); got != want {
			t.Errorf("%q: %q, want %q", ref, got, want)
		}
	}
}

func TestEndToEndIDObeysTheSlashRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &sepa.Service{Store: s, Cfg: sepaConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m := member(t, s, "anna", "Anna", "A")
		invoice(t, s, m, "/F//2027/7/", 1200)
		mandate(t, s, m, "RUM-A", model.SeqFirst, "")
		f, err := svc.Collect(ctx, date.MustParse("2027-03-01"), time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), sepa.Maker{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if x := string(f.XML); !strings.Contains(x, "<EndToEndId>F/2027/7</EndToEndId>") {
			t.Fatalf("end-to-end id breaks the slash rule:\n%s", x)
		}
		validate(t, f.XML)
	})
}

// CreDtTm says its time zone: the instant, in UTC, with its "Z".
func TestCreationTimeHasAnOffset(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	cands := []store.DebitCandidate{{
		Invoice: &store.Invoice{ID: 1, Kind: model.KindInvoice, Number: "2026-000042", TotalCents: 2500, MemberName: "Anna A"},
		Mandate: &store.Mandate{ID: 1, Reference: "RUM-A", SignatureDate: date.MustParse("2026-01-15"),
			IBAN: "FR7630006000011234567890189", SequenceType: model.SeqRecurring, Active: true}}}
	f, err := sepa.Build(sepaConfig().SEPA, "EUR", date.MustParse("2026-12-07"),
		time.Date(2026, 12, 2, 16, 4, 5, 0, paris), cands)
	if err != nil {
		t.Fatal(err)
	}
	if x := string(f.XML); !strings.Contains(x, "<CreDtTm>2026-12-02T15:04:05Z</CreDtTm>") {
		t.Fatalf("CreDtTm without its offset:\n%s", x)
	}
	validate(t, f.XML)
}

func TestMandateFrenchIBANAndBIC(t *testing.T) {
	today := date.MustParse("2027-03-01")
	for _, c := range []struct{ iban, bic, ibanErr, bicErr string }{
		{"FR63 3000 3010 0500 0000 0004 217", "", "sepa.err.rib_key", ""}, // IBAN checksum right, RIB key wrong
		{"FR7630006000011234567890189", "DEUTDEFF", "", "sepa.err.bic_country"},
		{"FR7630006000011234567890189", "AGRIFRPP", "", ""},
		{"FR7630006000011234567890189", "BNPAREREXXX", "", ""}, // Réunion
		{"FR7630006000011234567890189", "CEPAMCM1", "", ""},    // Monaco
		{"DE89370400440532013000", "DEUTDEFF", "", ""},
		{"FR7630006000011234567890188", "DEUTDEFF", "sepa.err.iban", ""}, // one error at a time
	} {
		var d store.Mandate
		errs := sepa.CheckMandate(sepa.MandateInput{Reference: "RUM-1", SignatureDate: "2027-02-15",
			IBAN: c.iban, BIC: c.bic, SequenceType: model.SeqFirst}, today, &d)
		if errs.Get("iban") != c.ibanErr || errs.Get("bic") != c.bicErr {
			t.Errorf("%s %s: iban %q, bic %q; want %q, %q", c.iban, c.bic, errs.Get("iban"), errs.Get("bic"), c.ibanErr, c.bicErr)
		}
	}
}

// A mandate used for the first time has one FRST collection in a file:
// its member's second open invoice waits for the next file.
func TestOneFirstCollectionPerMandate(t *testing.T) {
	first := &store.Mandate{ID: 1, Reference: "RUM-A", SignatureDate: date.MustParse("2026-01-15"),
		IBAN: "FR7630006000011234567890189", SequenceType: model.SeqFirst, Active: true}
	other := &store.Mandate{ID: 2, Reference: "RUM-B", SignatureDate: date.MustParse("2026-01-15"),
		IBAN: "DE89370400440532013000", SequenceType: model.SeqFirst, Active: true}
	inv := func(id int64, number string) *store.Invoice {
		return &store.Invoice{ID: id, Kind: model.KindInvoice, Number: number, TotalCents: 2500, MemberName: "Anna A"}
	}
	cands := []store.DebitCandidate{{Invoice: inv(1, "2026-000041"), Mandate: first},
		{Invoice: inv(2, "2026-000042"), Mandate: first}, {Invoice: inv(3, "2026-000043"), Mandate: other}}
	f, err := sepa.Build(sepaConfig().SEPA, "EUR", date.MustParse("2026-12-07"), time.Date(2026, 12, 2, 16, 4, 5, 0, time.UTC), cands)
	if err != nil {
		t.Fatal(err)
	}
	x := string(f.XML)
	if f.Count != 2 || strings.Count(x, "<MndtId>RUM-A</MndtId>") != 1 || !strings.Contains(x, "2026-000041") || strings.Contains(x, "2026-000042") {
		t.Fatalf("%d debits, want RUM-A once (its oldest invoice) and RUM-B:\n%s", f.Count, x)
	}
	validate(t, f.XML)
}
