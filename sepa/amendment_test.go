package sepa_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/iban"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
)

func frIBAN(bank, branch, account string) string {
	bban := bank + branch + account + iban.RIBKey(bank, branch, account)
	return "FR" + iban.CheckDigits("FR", bban) + bban
}

// A mandate whose account changed after a collection is sent, on the next
// collection only, as amended: the original debtor account when the bank
// is the same, SMNDA as the original debtor agent when the bank changed.
func TestChangedAccountIsSentAsAnAmendmentOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &sepa.Service{Store: s, Cfg: sepaConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m := member(t, s, "anna", "Anna", "A")
		other := member(t, s, "bob", "Bob", "B")
		first := frIBAN("30006", "00001", "12345678901")
		d := &store.Mandate{MemberID: m.ID, Reference: "RUM-A", SignatureDate: date.MustParse("2026-01-15"),
			IBAN: first, BIC: "AGRIFRPP", SequenceType: model.SeqFirst, Active: true}
		if err := s.CreateMandate(ctx, d); err != nil {
			t.Fatal(err)
		}
		mandate(t, s, other, "RUM-B", model.SeqRecurring, "")
		now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		n := 0
		collect := func() string {
			t.Helper()
			n++
			invoice(t, s, m, "2027-A"+string(rune('0'+n)), 1000)
			invoice(t, s, other, "2027-B"+string(rune('0'+n)), 1000)
			now = now.Add(24 * time.Hour)
			f, err := svc.Collect(ctx, date.Of(now), now, sepa.Maker{}, false)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, f.XML)
			return string(f.XML)
		}
		edit := func(ibanStr, bic string) {
			t.Helper()
			d.IBAN, d.BIC = ibanStr, bic
			if err := s.UpdateMandate(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		// Changed before its first collection: nothing to amend.
		edit(frIBAN("30006", "00001", "12345678902"), "AGRIFRPP")
		if x := collect(); strings.Contains(x, "Amdmnt") {
			t.Fatalf("first collection announced as amended:\n%s", x)
		}
		// A new account in the same bank (same bank code, same BIC).
		old := d.IBAN
		edit(frIBAN("30006", "00001", "99999999999"), "AGRIFRPPXXX")
		x := collect()
		if !strings.Contains(x, "<AmdmntInd>true</AmdmntInd>") || !strings.Contains(x,
			"<AmdmntInfDtls>\n              <OrgnlDbtrAcct>\n                <Id>\n                  <IBAN>"+old+"</IBAN>") ||
			strings.Contains(x, "SMNDA") {
			t.Fatalf("new account in the same bank:\n%s", x)
		}
		if strings.Count(x, "<AmdmntInd>") != 1 {
			t.Fatalf("the other member's debit is amended too:\n%s", x)
		}
		// The next file announces nothing any more.
		if x := collect(); strings.Contains(x, "Amdmnt") {
			t.Fatalf("amendment announced twice:\n%s", x)
		}
		// A BIC typed again, the IBAN unchanged: no amendment.
		edit(d.IBAN, "AGRIFRPP")
		if x := collect(); strings.Contains(x, "Amdmnt") {
			t.Fatalf("same IBAN announced as amended:\n%s", x)
		}
		// A new bank: SMNDA as the original debtor agent.
		edit(frIBAN("30003", "01005", "00000000042"), "SOGEFRPP")
		x = collect()
		if !strings.Contains(x, "<AmdmntInd>true</AmdmntInd>") || !strings.Contains(x,
			"<OrgnlDbtrAgt>\n                <FinInstnId>\n                  <Othr>\n                    <Id>SMNDA</Id>") ||
			strings.Contains(x, "<OrgnlDbtrAcct>") {
			t.Fatalf("new bank:\n%s", x)
		}
		if x := collect(); strings.Contains(x, "Amdmnt") {
			t.Fatalf("amendment announced twice:\n%s", x)
		}
		// A new bank seen by its bank code alone, without BICs.
		edit(frIBAN("10278", "07300", "00000001901"), "")
		if x := collect(); !strings.Contains(x, "<Id>SMNDA</Id>") {
			t.Fatalf("new bank without BIC:\n%s", x)
		}
		got, err := s.MandateByID(ctx, m.ID, d.ID)
		if err != nil || got.CollectedIBAN != d.IBAN || got.CollectedBIC != "" {
			t.Fatalf("last collected account: %+v %v", got, err)
		}
	})
}
