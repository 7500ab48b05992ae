package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"coin/model"
	"coin/store"
)

// TestFECCharsetAndFileName: article A47 A-1 of the livre des procédures
// fiscales asks for a FEC in ASCII, ISO 8859-15 or EBCDIC, named
// <SIREN>FEC<YYYYMMDD>.txt with the closing date of the period. ISO 8859-15
// is the default, UTF-8 an option; a character ISO 8859-15 cannot encode
// gives a clear message, not a file with a replacement character; without
// a SIREN in the ISP record the page says so and the file is named
// NOSIREN-FEC<YYYYMMDD>.txt.
func TestFECCharsetAndFileName(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tresorier", "treasurer", "treasurer-password")
		ctx := context.Background()
		m := &store.Member{Login: "zoe", Role: "member", PersonType: model.NaturalPerson, FirstName: "Zoé",
			LastName: "Œuvray", Email: "zoe@example.org", Status: model.StatusMember}
		if err := a.store.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		a.validatedInvoice(m, 2500)
		b := a.browser()
		b.login("tresorier", "treasurer-password")
		const q = "/admin/accounting/export?from=2027-01-01&to=2027-12-31&format=fec"

		// No SIREN yet: a hint on the page, a name that says so.
		mustContain(t, b.get("/admin/accounting").Body, `id="no-siren"`, "has no SIREN", "ISO 8859-15 (Latin-9)")
		res := b.get(q)
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), `filename="NOSIREN-FEC20271231.txt"`) {
			t.Fatalf("fec without SIREN: %d %v", res.Status, res.Header)
		}
		// ISO 8859-15 by default: é and Œ are one byte each, and decode back.
		if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=iso-8859-15" {
			t.Fatalf("content type %q", ct)
		}
		if !strings.Contains(res.Body, "Zo\xe9 \xbcuvray") {
			t.Fatalf("body is not ISO 8859-15:\n%q", res.Body)
		}
		if text, err := charmap.ISO8859_15.NewDecoder().String(res.Body); err != nil || !strings.Contains(text, "Zoé Œuvray") {
			t.Fatalf("decoded: %v\n%s", err, text)
		}

		r, err := a.store.ISP(ctx)
		if err != nil {
			r = &store.ISP{Name: "FAI Test", Email: "fai@example.org"}
		}
		r.SIREN = "732829320"
		if err := a.store.SaveISP(ctx, r); err != nil {
			t.Fatal(err)
		}
		mustNotContain(t, b.get("/admin/accounting").Body, `id="no-siren"`)
		res = b.get(q + "&charset=utf-8")
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), `filename="732829320FEC20271231.txt"`) ||
			res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(res.Body, "Zoé Œuvray") {
			t.Fatalf("utf-8 fec: %d %v\n%s", res.Status, res.Header, res.Body)
		}

		// A name ISO 8859-15 cannot encode (Ł): a message naming it, UTF-8 still works.
		// (Entries keep the name they were written with: a new member's invoice.)
		lk := &store.Member{Login: "jan", Role: "member", PersonType: model.NaturalPerson, FirstName: "Jan",
			LastName: "Łukasiewicz", Email: "jan@example.org", Status: model.StatusMember}
		if err := a.store.CreateMember(ctx, lk); err != nil {
			t.Fatal(err)
		}
		a.validatedInvoice(lk, 1000)
		res = b.get(q)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "U+0141") || !strings.Contains(res.Body, "choose UTF-8") {
			t.Fatalf("Ł in ISO 8859-15: %d\n%s", res.Status, res.Body)
		}
		if res = b.get(q + "&charset=utf-8"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Łukasiewicz") {
			t.Fatalf("Ł in UTF-8: %d", res.Status)
		}
		if res = b.get(q + "&charset=ebcdic"); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown charset: %d", res.Status)
		}
	})
}
