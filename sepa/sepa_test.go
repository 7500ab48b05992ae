package sepa_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coin/config"
	"coin/date"
	"coin/iban"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
)

func TestCheckMandate(t *testing.T) {
	today := date.MustParse("2027-03-01")
	var d store.Mandate
	errs := sepa.CheckMandate(sepa.MandateInput{Reference: "RUM-2027-0001", SignatureDate: "2027-02-15",
		IBAN: "fr76 3000 6000 0112 3456 7890 189", BIC: "agrifrpp", SequenceType: "FRST", Active: true}, today, &d)
	if errs.Any() || d.IBAN != "FR7630006000011234567890189" || d.BIC != "AGRIFRPP" || d.Reference != "RUM-2027-0001" {
		t.Fatalf("%v %+v", errs, d)
	}
	errs = sepa.CheckMandate(sepa.MandateInput{Reference: "RUM 1 é", SignatureDate: "2027-03-02",
		IBAN: "FR7630006000011234567890188", BIC: "AGRI", SequenceType: "OOFF"}, today, &d)
	for field, id := range map[string]string{"reference": "sepa.err.reference", "signature_date": "sepa.err.signature_future",
		"iban": "sepa.err.iban", "bic": "sepa.err.bic", "sequence_type": "err.choice_invalid"} {
		if errs.Get(field) != id {
			t.Errorf("%s: %q, want %s", field, errs.Get(field), id)
		}
	}
}

func sepaConfig() *config.Config {
	cfg := config.Default()
	cfg.SEPA = config.SEPA{CreditorName: "Rézo & Cie associatif", CreditorID: "FR72ZZZ123456",
		CreditorIBAN: "FR7630006000011234567890189", CreditorBIC: "AGRIFRPP", LeadDays: 5}
	return &cfg
}

func member(t *testing.T, s *store.Store, login, first, last string) *store.Member {
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: first,
		LastName: last, Email: login + "@example.org", Status: model.StatusMember}
	if err := s.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func invoice(t *testing.T, s *store.Store, m *store.Member, number string, cents int64) *store.Invoice {
	ctx := context.Background()
	inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
	if err := s.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: cents, AmountCents: cents}}); err != nil {
		t.Fatal(err)
	}
	inv.Number, inv.IssueDate, inv.DueDate = number, date.MustParse("2027-02-01"), date.MustParse("2027-03-03")
	if err := s.ValidateInvoice(ctx, inv, nil); err != nil {
		t.Fatal(err)
	}
	return inv
}

func mandate(t *testing.T, s *store.Store, m *store.Member, ref, seq string, bic string) *store.Mandate {
	account := "1234567890" + string(rune('0'+m.ID%10))
	bban := "3000600001" + account + iban.RIBKey("30006", "00001", account)
	d := &store.Mandate{MemberID: m.ID, Reference: ref, SignatureDate: date.MustParse("2027-01-15"),
		IBAN: "FR" + iban.CheckDigits("FR", bban) + bban, BIC: bic, SequenceType: seq, Active: true}
	if err := s.CreateMandate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

// validate checks a file against the official pain.008.001.02 schema.
func validate(t *testing.T, xml []byte) {
	t.Helper()
	if out, err := schemaCheck(t, xml); err != nil {
		t.Fatalf("pain.008 does not validate: %v\n%s\n%s", err, out, xml)
	}
}

func schemaCheck(t *testing.T, xml []byte) ([]byte, error) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint is needed (Debian: libxml2-utils)")
	}
	p := filepath.Join(t.TempDir(), "debit.xml")
	if err := os.WriteFile(p, xml, 0o600); err != nil {
		t.Fatal(err)
	}
	return exec.Command("xmllint", "--noout", "--schema", "testdata/pain.008.001.02.xsd", p).CombinedOutput()
}

func TestCollectWritesAValidPain008Once(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &sepa.Service{Store: s, Cfg: sepaConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		first := member(t, s, "anna", "Anna-Lí", "Ødegård")
		recurring := member(t, s, "bob", "Bob", "Martin & fils")
		noMandate := member(t, s, "carl", "Carl", "Sans")
		inactive := member(t, s, "dora", "Dora", "Off")
		invoice(t, s, first, "2027-000001", 2000)
		invoice(t, s, recurring, "2027-000002", 3050)
		invoice(t, s, recurring, "2027-000003", 1000)
		invoice(t, s, noMandate, "2027-000004", 999)
		invoice(t, s, inactive, "2027-000005", 999)
		mandate(t, s, first, "RUM-A", model.SeqFirst, "")
		mandate(t, s, recurring, "RUM-B", model.SeqRecurring, "CMCIFR2A")
		off := mandate(t, s, inactive, "RUM-D", model.SeqRecurring, "")
		off.Active = false
		if err := s.UpdateMandate(ctx, off); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC)

		dry, err := svc.Collect(ctx, date.MustParse("2027-03-01"), now, sepa.Maker{}, true)
		if err != nil {
			t.Fatal(err)
		}
		validate(t, dry.XML)
		if dry.Count != 3 || dry.TotalCents != 6050 || dry.CollectionDate.String() != "2027-03-08" {
			t.Fatalf("dry run: %d debits, %d cents, on %s", dry.Count, dry.TotalCents, dry.CollectionDate)
		}
		x := string(dry.XML)
		for _, want := range []string{`<SeqTp>FRST</SeqTp>`, `<SeqTp>RCUR</SeqTp>`, `<EndToEndId>2027-000002</EndToEndId>`,
			`<InstdAmt Ccy="EUR">30.50</InstdAmt>`, `<CtrlSum>60.50</CtrlSum>`, `<Id>FR72ZZZ123456</Id>`, `<MndtId>RUM-A</MndtId>`,
			`<Nm>Anna-Li Odegard</Nm>`, `<Nm>Bob Martin + fils</Nm>`, `<Nm>Rezo + Cie associatif</Nm>`,
			`<ReqdColltnDt>2027-03-08</ReqdColltnDt>`, `<CreDtTm>2027-03-01T09:30:00Z</CreDtTm>`, `<Id>NOTPROVIDED</Id>`, `<BIC>CMCIFR2A</BIC>`} {
			if !strings.Contains(x, want) {
				t.Errorf("file lacks %s", want)
			}
		}
		// The schema check does refuse what the schema forbids.
		if _, err := schemaCheck(t, []byte(strings.Replace(x, "<PmtMtd>DD</PmtMtd>", "<PmtMtd>TRF</PmtMtd>", 1))); err == nil {
			t.Fatal("xmllint accepted a payment method the schema forbids")
		}
		if strings.Contains(x, "2027-000004") || strings.Contains(x, "2027-000005") {
			t.Error("invoice of a member without an active mandate collected")
		}

		// The dry run recorded nothing: the real run asks for the same.
		if files, err := s.SEPAFiles(ctx, 10); err != nil || len(files) != 0 {
			t.Fatalf("a trial file was stored: %d %v", len(files), err)
		}
		// A file that cannot be stored records no debit either: a file
		// of the same message id is there already.
		taken := &store.SEPAFile{MessageID: dry.MessageID, CreatedAt: now, CollectionDate: dry.CollectionDate,
			TransactionCount: 1, TotalCents: 1, XML: []byte("<x/>")}
		if err := s.CreateSEPAFile(ctx, taken); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Collect(ctx, date.MustParse("2027-03-01"), now, sepa.Maker{}, false); !errors.Is(err, sepa.ErrSameSecond) {
			t.Fatalf("same message id: %v", err)
		}
		if c, _ := s.DebitCandidates(ctx); len(c) != 3 {
			t.Fatalf("%d invoices left to collect after a file that could not be stored, want 3", len(c))
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM sepa_files`); err != nil {
			t.Fatal(err)
		}
		staff := member(t, s, "tresorier", "Trés", "Orier")
		f, err := svc.Collect(ctx, date.MustParse("2027-03-01"), now.Add(123*time.Millisecond), sepa.MakerOf(staff), false)
		if err != nil || f.Count != 3 {
			t.Fatalf("collect: %v", err)
		}
		validate(t, f.XML)
		// The file is stored as it was written, with who made it.
		kept, err := svc.Stored(ctx, f.MessageID)
		if err != nil || string(kept.XML) != string(f.XML) || kept.ID != f.ID || kept.TransactionCount != 3 || kept.TotalCents != 6050 ||
			kept.CollectionDate != f.CollectionDate || !kept.CreatedAt.Equal(now) || kept.CreatedByName != "tresorier" ||
			kept.CreatedBy == nil || *kept.CreatedBy != staff.ID {
			t.Fatalf("stored file %+v: %v", kept, err)
		}
		ms, _ := s.MandatesOfMember(ctx, first.ID)
		if ms[0].SequenceType != model.SeqRecurring {
			t.Fatalf("first mandate still %s after its first collection", ms[0].SequenceType)
		}
		// Nothing is asked twice.
		if _, err := svc.Collect(ctx, date.MustParse("2027-03-02"), now.Add(time.Hour), sepa.Maker{}, false); !errors.Is(err, sepa.ErrNothing) {
			t.Fatalf("second file: %v", err)
		}
		// A new invoice goes in the next file, announced as recurring.
		invoice(t, s, first, "2027-000006", 2000)
		f, err = svc.Collect(ctx, date.MustParse("2027-04-01"), now.Add(24*time.Hour), sepa.Maker{}, false)
		if err != nil || f.Count != 1 || !strings.Contains(string(f.XML), "<SeqTp>RCUR</SeqTp>") || strings.Contains(string(f.XML), "FRST") {
			t.Fatalf("next file: %v", err)
		}
		validate(t, f.XML)
		if files, err := s.SEPAFiles(ctx, 10); err != nil || len(files) != 2 || files[0].ID != f.ID || files[0].CreatedBy != nil {
			t.Fatalf("stored files: %+v %v", files, err)
		}

		svc.Cfg.SEPA.CreditorID = ""
		if _, err := svc.Collect(ctx, date.MustParse("2027-04-01"), now, sepa.Maker{}, true); !errors.Is(err, sepa.ErrDisabled) {
			t.Fatalf("disabled: %v", err)
		}
	})
}

func TestMandateReferenceAndActiveMandateAreUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := member(t, s, "anna", "Anna", "A")
		b := member(t, s, "bob", "Bob", "B")
		mandate(t, s, a, "RUM-1", model.SeqFirst, "")
		err := s.CreateMandate(ctx, &store.Mandate{MemberID: b.ID, Reference: "RUM-1", SignatureDate: date.MustParse("2027-01-01"),
			IBAN: "FR7630006000011234567890189", SequenceType: model.SeqFirst, Active: true})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same reference: %v", err)
		}
		err = s.CreateMandate(ctx, &store.Mandate{MemberID: a.ID, Reference: "RUM-2", SignatureDate: date.MustParse("2027-01-01"),
			IBAN: "FR7630006000011234567890189", SequenceType: model.SeqFirst, Active: true})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second active mandate: %v", err)
		}
		if _, err := s.MandateByID(ctx, b.ID, 1); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("mandate seen through another member: %v", err)
		}
	})
}
