package ispdb

import "testing"

func TestInvoiceMentionsLeaveOutThePublicationDirector(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Association loi 1901 — SIRET 812 345 678 00015\nTVA non applicable, article 293 B du CGI. Directeur de la publication : le bureau de l'association.",
			"Association loi 1901 — SIRET 812 345 678 00015\nTVA non applicable, article 293 B du CGI."},
		{"Directrice de la publication : Anne Dupont\nSIRET 123", "SIRET 123"},
		{"Publication director: the board. VAT not applicable.", "VAT not applicable."},
		{"Responsable de publication : le bureau", ""},
		{"Association loi 1901", "Association loi 1901"},
		{"", ""},
	} {
		if got := (Identity{LegalMentions: c.in}).InvoiceMentions(); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}
