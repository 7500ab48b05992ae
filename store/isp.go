package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ISP is the association's own record: its entry in the FFDN database
// (format 0.1 of db.ffdn.org) and its identity in the interface, e-mails
// and invoices. There is one, or none before an admin fills it in.
type ISP struct {
	Name            string
	ShortName       string
	Description     string
	LogoURL         string // absolute URL given to db.ffdn.org
	Website         string
	OtherWebsites   []ISPWebsite
	Email           string
	MainMailingList string
	CreationDate    string // ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD; "" when not given
	FFDNMemberSince string // the same
	ProgressStatus  int    // 1–7; 0 when not given
	Latitude        *float64
	Longitude       *float64
	Chatrooms       []string
	CoveredAreas    []CoveredArea
	Office          Office // registered office (siège social)

	PostalAddress string // lines; the registered office when empty
	Phone         string
	AdminEmail    string // signs administrative e-mail when set
	IBAN          string // normalised, without spaces
	BIC           string
	BankName      string
	LegalMentions string
	SIREN         string // 9 digits (Luhn-checked by the form); "" when not given
	StatutesURL   string // the statutes a visitor signing up accepts; "" when none
	PrivacyURL    string // the privacy notice, the same

	// The logo file itself is read with ISPLogo; these describe it.
	LogoContentType string
	LogoHash        string // "" without a logo file
	UpdatedAt       time.Time
}

// ISPWebsite is one of the "other websites" (wiki, pad…): a name and a URL.
type ISPWebsite struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// CoveredArea is an area the ISP serves, with the technologies used there
// and, optionally, its outline as a GeoJSON Polygon or MultiPolygon.
type CoveredArea struct {
	Name         string          `json:"name"`
	Technologies []string        `json:"technologies"`
	Area         json.RawMessage `json:"area,omitempty"`
}

// Office is a postal address in the hCard convention of the format.
type Office struct {
	StreetAddress   string
	ExtendedAddress string
	PostOfficeBox   string
	PostalCode      string
	Locality        string
	Region          string
	CountryName     string
}

// IsZero tells whether no field of the address is filled in.
func (o Office) IsZero() bool { return o == Office{} }

const ispColumns = `name, short_name, description, logo_url, website, other_websites, email,
	main_mailing_list, creation_date, ffdn_member_since, progress_status, latitude, longitude,
	chatrooms, covered_areas, office_street_address, office_extended_address,
	office_post_office_box, office_postal_code, office_locality, office_region,
	office_country_name, postal_address, phone, admin_email, iban, bic, bank_name,
	legal_mentions, siren, statutes_url, privacy_url, logo_content_type, logo_hash, updated_at`

// ISP returns the record, or ErrNotFound when none was saved yet.
func (s *Store) ISP(ctx context.Context) (*ISP, error) {
	var r ISP
	var websites, chatrooms, areas string
	err := s.queryRow(ctx, `SELECT `+ispColumns+` FROM isp WHERE id = 1`).Scan(
		&r.Name, &r.ShortName, &r.Description, &r.LogoURL, &r.Website, &websites, &r.Email,
		&r.MainMailingList, &r.CreationDate, &r.FFDNMemberSince, &r.ProgressStatus, &r.Latitude,
		&r.Longitude, &chatrooms, &areas, &r.Office.StreetAddress, &r.Office.ExtendedAddress,
		&r.Office.PostOfficeBox, &r.Office.PostalCode, &r.Office.Locality, &r.Office.Region,
		&r.Office.CountryName, &r.PostalAddress, &r.Phone, &r.AdminEmail, &r.IBAN, &r.BIC,
		&r.BankName, &r.LegalMentions, &r.SIREN, &r.StatutesURL, &r.PrivacyURL, &r.LogoContentType, &r.LogoHash, &r.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "isp record", 1)
	}
	for _, l := range []struct {
		what string
		text string
		into any
	}{{"other websites", websites, &r.OtherWebsites}, {"chatrooms", chatrooms, &r.Chatrooms},
		{"covered areas", areas, &r.CoveredAreas}} {
		if err := json.Unmarshal([]byte(l.text), l.into); err != nil {
			return nil, fmt.Errorf("isp record: read %s: %w", l.what, err)
		}
	}
	return &r, nil
}

// SaveISP creates or replaces the record (every field but the logo file).
func (s *Store) SaveISP(ctx context.Context, r *ISP) error {
	r.UpdatedAt = s.now()
	websites, err := jsonList(r.OtherWebsites)
	if err != nil {
		return fmt.Errorf("save isp record: %w", err)
	}
	chatrooms, err := jsonList(r.Chatrooms)
	if err != nil {
		return fmt.Errorf("save isp record: %w", err)
	}
	areas, err := jsonList(r.CoveredAreas)
	if err != nil {
		return fmt.Errorf("save isp record: %w", err)
	}
	cols := strings.Fields(strings.ReplaceAll(`name, short_name, description, logo_url, website,
		other_websites, email, main_mailing_list, creation_date, ffdn_member_since, progress_status,
		latitude, longitude, chatrooms, covered_areas, office_street_address,
		office_extended_address, office_post_office_box, office_postal_code, office_locality,
		office_region, office_country_name, postal_address, phone, admin_email, iban, bic,
		bank_name, legal_mentions, siren, statutes_url, privacy_url, updated_at`, ",", " "))
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c + " = excluded." + c
	}
	_, err = s.exec(ctx, `INSERT INTO isp (id, `+strings.Join(cols, ", ")+`)
		VALUES (1`+strings.Repeat(", ?", len(cols))+`)
		ON CONFLICT (id) DO UPDATE SET `+strings.Join(sets, ", "),
		r.Name, r.ShortName, r.Description, r.LogoURL, r.Website, websites, r.Email,
		r.MainMailingList, r.CreationDate, r.FFDNMemberSince, r.ProgressStatus, r.Latitude,
		r.Longitude, chatrooms, areas, r.Office.StreetAddress, r.Office.ExtendedAddress,
		r.Office.PostOfficeBox, r.Office.PostalCode, r.Office.Locality, r.Office.Region,
		r.Office.CountryName, r.PostalAddress, r.Phone, r.AdminEmail, r.IBAN, r.BIC, r.BankName,
		r.LegalMentions, r.SIREN, r.StatutesURL, r.PrivacyURL, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save isp record: %w", err)
	}
	return nil
}

// jsonList encodes a list as JSON text, an empty list as [] (never null).
func jsonList[T any](l []T) (string, error) {
	if l == nil {
		l = []T{}
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// Logo is the ISP's logo file.
type Logo struct {
	ContentType string
	Hash        string
	Body        []byte
}

// ISPLogo returns the logo file, or ErrNotFound when there is none.
func (s *Store) ISPLogo(ctx context.Context) (*Logo, error) {
	var l Logo
	err := s.queryRow(ctx, `SELECT logo_content_type, logo_hash, logo FROM isp
		WHERE id = 1 AND logo IS NOT NULL`).Scan(&l.ContentType, &l.Hash, &l.Body)
	if err != nil {
		return nil, notFound(err, "isp logo", 1)
	}
	return &l, nil
}

// SetISPLogo stores the logo file (nil removes it). Without a record yet, it
// creates an empty one to hold it.
func (s *Store) SetISPLogo(ctx context.Context, l *Logo) error {
	return s.Tx(ctx, func(tx *Store) error {
		if _, err := tx.ISP(ctx); errors.Is(err, ErrNotFound) {
			if err := tx.SaveISP(ctx, &ISP{}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		var body []byte
		ct, hash := "", ""
		if l != nil {
			body, ct, hash = l.Body, l.ContentType, l.Hash
		}
		_, err := tx.exec(ctx, `UPDATE isp SET logo = ?, logo_content_type = ?, logo_hash = ?,
			updated_at = ? WHERE id = 1`, nullBytes(body), ct, hash, tx.now())
		if err != nil {
			return fmt.Errorf("set isp logo: %w", err)
		}
		return nil
	})
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
