package demo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coin/config"
	"coin/date"
	"coin/iban"
	"coin/ispdb"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
)

// TestDemoISPRecordIsCompleteAndValid loads the demo and checks that its
// record goes through the admin form unchanged and gives a valid isp.json.
func TestDemoISPRecordIsCompleteAndValid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := Load(ctx, s, time.UTC); err != nil {
			t.Fatal(err)
		}
		schema, err := ispdb.NewSchema()
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.ISP(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.LogoHash == "" || r.IBAN == "" || r.BIC == "" || len(r.CoveredAreas) != 3 || r.Latitude == nil ||
			r.Office.Region == "" || r.LegalMentions == "" || r.AdminEmail == "" || r.Phone == "" {
			t.Fatalf("incomplete demo record: %+v", r)
		}
		f := ispdb.FromRecord(r)
		check := *r
		if errs := f.Validate(&check, schema); errs.Any() {
			t.Fatalf("the admin form refuses the demo record: %v", errs)
		}
		svc := ispdb.NewService(s, schema, time.UTC, func(h string) string { return "https://coin.traboule.example/isp/logo/" + h }, nil)
		p, err := svc.Publish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(p.Body); err != nil {
			t.Fatalf("demo isp.json: %v\n%s", err, p.Body)
		}
		members, _ := s.CountMembers(ctx, model.StatusMember)
		if members < 30 {
			t.Fatalf("only %d members with status member", members)
		}
	})
}

// Every IBAN and BIC of the demo passes the checks of the forms that take
// them: the IBAN checksum, the French RIB key and the BIC's country.
func TestDemoIBANsAreValid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := Load(ctx, s, time.UTC); err != nil {
			t.Fatal(err)
		}
		// The mandates LoadBilling gives to members with open invoices.
		members, _, err := s.ListMembers(ctx, store.MemberFilter{})
		if err != nil || len(members) < mandateCount {
			t.Fatalf("%d members: %v", len(members), err)
		}
		today := date.MustParse("2026-12-02")
		for i, m := range members[:mandateCount] {
			inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
			if err := s.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: 500, AmountCents: 500}}); err != nil {
				t.Fatal(err)
			}
			inv.Number, inv.IssueDate, inv.DueDate = fmt.Sprintf("T-%d", i), today, today.AddDays(30)
			if err := s.ValidateInvoice(ctx, inv, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Tx(ctx, func(tx *store.Store) error { return loadMandates(ctx, tx, today) }); err != nil {
			t.Fatal(err)
		}
		ms, err := s.ListMandates(ctx)
		if err != nil || len(ms) != mandateCount {
			t.Fatalf("no demo mandate: %v", err)
		}
		for _, m := range ms {
			var d store.Mandate
			in := sepa.MandateInput{Reference: m.Reference, SignatureDate: m.SignatureDate.String(), IBAN: m.IBAN, BIC: m.BIC,
				SequenceType: m.SequenceType, Active: m.Active}
			if errs := sepa.CheckMandate(in, m.SignatureDate, &d); errs.Any() {
				t.Errorf("demo mandate %s (%s %s): %v", m.Reference, m.IBAN, m.BIC, errs)
			}
		}
		r, err := s.ISP(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := iban.Check(r.IBAN); err != nil {
			t.Errorf("ISP record IBAN %s: %v", r.IBAN, err)
		}
		if err := iban.CheckBICCountry(r.BIC, r.IBAN); err != nil {
			t.Errorf("ISP record BIC %s: %v", r.BIC, err)
		}
		var c config.SEPA
		SEPACreditor(&c)
		if err := iban.Check(c.CreditorIBAN); err != nil {
			t.Errorf("demo creditor IBAN %s: %v", c.CreditorIBAN, err)
		}
		if err := iban.CheckBICCountry(c.CreditorBIC, c.CreditorIBAN); err != nil {
			t.Errorf("demo creditor BIC %s: %v", c.CreditorBIC, err)
		}
	})
}
