package mail

import (
	"strings"

	"coin/ispdb"
)

// SiteOf is the ISP's identity as e-mail templates see it (.Site): the one
// projection of the ISP record for mail, whoever queues it. membersURL is
// the absolute address of the members' area.
func SiteOf(id ispdb.Identity, membersURL string) Site {
	return Site{Name: id.Name, Email: id.Email, Website: id.Website, URL: membersURL,
		Address: strings.Join(id.AddressLines, "\n"), AddressLines: id.AddressLines, Phone: id.Phone,
		IBAN: id.IBANFormatted(), BIC: id.BIC, BankName: id.BankName, LegalMentions: id.LegalMentions,
		StatutesURL: id.StatutesURL, PrivacyURL: id.PrivacyURL}
}
