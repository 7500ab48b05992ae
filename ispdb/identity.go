package ispdb

import (
	"regexp"
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
	StatutesURL   string // the statutes a visitor signing up accepts, "" when none
	PrivacyURL    string // the privacy notice, the same
	LogoHash      string // of the uploaded logo file, "" when none
}

// IdentityOf extracts the identity of a record (nil: no record yet).
func IdentityOf(r *store.ISP) Identity {
	if r == nil {
		return Identity{Name: DefaultName}
	}
	id := Identity{Name: r.Name, ShortName: r.ShortName, Website: r.Website, Email: r.Email,
		AdminEmail: r.AdminEmail, Phone: r.Phone, IBAN: r.IBAN, BIC: r.BIC, BankName: r.BankName,
		LegalMentions: strings.TrimSpace(r.LegalMentions), LogoURL: r.LogoURL, LogoHash: r.LogoHash,
		StatutesURL: r.StatutesURL, PrivacyURL: r.PrivacyURL}
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

// publicationDirector finds a sentence naming the website's publication
// director, a mention of the site (loi pour la confiance dans l'économie
// numérique, art. 6) that has no place on an invoice.
var publicationDirector = regexp.MustCompile(`(?i)(directeur|directrice|directeur·rice|directeur\.rice|direction|responsable)s?\s+de\s+(la\s+)?publication|publication\s+director|director\s+of\s+(the\s+)?publication|publishing\s+director`)

// InvoiceMentions is the legal mentions an invoice carries: the record's,
// less the sentences about the website's publication director.
func (id Identity) InvoiceMentions() string {
	var lines []string
	for _, line := range strings.Split(id.LegalMentions, "\n") {
		var kept []string
		for _, s := range sentences(line) {
			if !publicationDirector.MatchString(s) {
				kept = append(kept, s)
			}
		}
		if l := strings.Join(kept, " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// sentences cuts a line after each ".", "!" or "?" followed by a space or
// the end; the pieces are trimmed, empty ones left out.
func sentences(line string) []string {
	var out []string
	start := 0
	for i := 0; i < len(line); i++ {
		if c := line[i]; (c == '.' || c == '!' || c == '?') && (i+1 == len(line) || line[i+1] == ' ') {
			if s := strings.TrimSpace(line[start : i+1]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(line[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
