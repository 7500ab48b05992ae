package ispdb

import (
	"strings"

	"coin/iban"
	"coin/store"
)

// DefaultName is shown until the admins fill in the record.
const DefaultName = "coin"

// Identity is what the interface, e-mails and invoices show of the ISP.
// Billing prints the address, bank account and legal mentions from it.
type Identity struct {
	Name          string
	ShortName     string
	Website       string
	Email         string // public contact address
	AdminEmail    string // signs administrative e-mail ("" to use mail.from)
	Phone         string
	AddressLines  []string // postal address, else the registered office
	IBAN          string   // normalised; see IBANFormatted
	BIC           string
	BankName      string
	LegalMentions string
	LogoURL       string // the record's absolute logo URL, "" when not set
	LogoHash      string // of the uploaded logo file, "" when none
}

// IdentityOf extracts the identity of a record (nil: no record yet).
func IdentityOf(r *store.ISP) Identity {
	if r == nil {
		return Identity{Name: DefaultName}
	}
	id := Identity{Name: r.Name, ShortName: r.ShortName, Website: r.Website, Email: r.Email,
		AdminEmail: r.AdminEmail, Phone: r.Phone, IBAN: r.IBAN, BIC: r.BIC, BankName: r.BankName,
		LegalMentions: strings.TrimSpace(r.LegalMentions), LogoURL: r.LogoURL, LogoHash: r.LogoHash}
	if id.Name == "" {
		id.Name = DefaultName
	}
	id.AddressLines = lines(r.PostalAddress)
	if len(id.AddressLines) == 0 {
		id.AddressLines = OfficeLines(r.Office)
	}
	return id
}

// IBANFormatted is the IBAN in groups of four, as printed on invoices.
func (id Identity) IBANFormatted() string { return iban.Format(id.IBAN) }

// OfficeLines writes a registered office as the lines of a French-style
// postal address.
func OfficeLines(o store.Office) []string {
	var out []string
	for _, l := range []string{o.ExtendedAddress, o.StreetAddress, o.PostOfficeBox,
		strings.TrimSpace(o.PostalCode + " " + o.Locality), o.CountryName} {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
