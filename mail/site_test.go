package mail_test

import (
	"testing"

	"coin/ispdb"
	"coin/mail"
)

func TestSiteOfCarriesTheWholeIdentity(t *testing.T) {
	s := mail.SiteOf(ispdb.Identity{Name: "Rézo", AddressLines: []string{"1 rue de la Paix", "75000 Paris"},
		IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", Phone: "+33 1 23", LegalMentions: "Association loi 1901"},
		"https://isp.test/")
	if s.Address != "1 rue de la Paix\n75000 Paris" || s.IBAN != "FR76 3000 6000 0112 3456 7890 189" ||
		s.URL != "https://isp.test/" || s.Phone == "" || s.LegalMentions == "" {
		t.Fatalf("%+v", s)
	}
}
