// Package ispdb is the ISP's public record: the document served at
// /isp.json for db.ffdn.org (format 0.1, shared/ffdn/isp-0.1.json), the
// admin form that edits it, and the identity (name, address, bank account)
// that the interface, e-mails and invoices show.
package ispdb

import (
	"encoding/json"

	"coin/store"
)

// Version is the format version the document implements.
const Version = "0.1"

// MaxDocumentSize bounds the document: db.ffdn.org refuses more than 1 MiB,
// and the form refuses what would pass half of that.
const MaxDocumentSize = 512 << 10

// Document is the JSON of format 0.1. Optional fields that are not set are
// left out, as the format expects.
type Document struct {
	Name             string            `json:"name"`
	ShortName        string            `json:"shortname,omitempty"`
	Description      string            `json:"description,omitempty"`
	LogoURL          string            `json:"logoURL,omitempty"`
	Website          string            `json:"website,omitempty"`
	OtherWebsites    map[string]string `json:"otherWebsites,omitempty"`
	Email            string            `json:"email"`
	MainMailingList  string            `json:"mainMailingList,omitempty"`
	CreationDate     string            `json:"creationDate,omitempty"`
	FFDNMemberSince  string            `json:"ffdnMemberSince,omitempty"`
	ProgressStatus   int               `json:"progressStatus,omitempty"`
	MemberCount      int               `json:"memberCount"`
	SubscriberCount  int               `json:"subscriberCount"`
	Chatrooms        []string          `json:"chatrooms,omitempty"`
	RegisteredOffice *Address          `json:"registeredOffice,omitempty"`
	Coordinates      *Coordinates      `json:"coordinates,omitempty"`
	CoveredAreas     []CoveredArea     `json:"coveredAreas"`
	Version          json.Number       `json:"version"`
}

// Address is the hCard address of the format.
type Address struct {
	PostOfficeBox   string `json:"post-office-box,omitempty"`
	ExtendedAddress string `json:"extended-address,omitempty"`
	StreetAddress   string `json:"street-address,omitempty"`
	Locality        string `json:"locality"`
	Region          string `json:"region"`
	PostalCode      string `json:"postal-code,omitempty"`
	CountryName     string `json:"country-name"`
}

// Coordinates of the registered office.
type Coordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// CoveredArea is one entry of coveredAreas.
type CoveredArea struct {
	Name         string          `json:"name"`
	Technologies []string        `json:"technologies"`
	Area         json.RawMessage `json:"area,omitempty"`
}

// Counts are the live figures of the document.
type Counts struct {
	Members     int // members whose status is "member"
	Subscribers int // subscriptions running today
}

// Build makes the document of a record. logoURL is used when the record
// names no logo URL of its own (e.g. the absolute URL of the uploaded logo).
func Build(r *store.ISP, n Counts, logoURL string) *Document {
	d := &Document{
		Name: r.Name, ShortName: r.ShortName, Description: r.Description, LogoURL: r.LogoURL,
		Website: r.Website, Email: r.Email, MainMailingList: r.MainMailingList,
		CreationDate: r.CreationDate, FFDNMemberSince: r.FFDNMemberSince,
		ProgressStatus: r.ProgressStatus, MemberCount: n.Members, SubscriberCount: n.Subscribers,
		CoveredAreas: []CoveredArea{}, Version: Version,
	}
	// A record saved before the form checked schemes may hold javascript:.
	for _, c := range r.Chatrooms {
		if ChatroomURI(c) {
			d.Chatrooms = append(d.Chatrooms, c)
		}
	}
	if d.LogoURL == "" {
		d.LogoURL = logoURL
	}
	if len(r.OtherWebsites) > 0 {
		d.OtherWebsites = map[string]string{}
		for _, w := range r.OtherWebsites {
			d.OtherWebsites[w.Name] = w.URL
		}
	}
	if !r.Office.IsZero() {
		o := r.Office
		d.RegisteredOffice = &Address{PostOfficeBox: o.PostOfficeBox, ExtendedAddress: o.ExtendedAddress,
			StreetAddress: o.StreetAddress, Locality: o.Locality, Region: o.Region,
			PostalCode: o.PostalCode, CountryName: o.CountryName}
	}
	if r.Latitude != nil && r.Longitude != nil {
		d.Coordinates = &Coordinates{Latitude: *r.Latitude, Longitude: *r.Longitude}
	}
	for _, a := range r.CoveredAreas {
		techs := a.Technologies
		if techs == nil {
			techs = []string{}
		}
		d.CoveredAreas = append(d.CoveredAreas, CoveredArea{Name: a.Name, Technologies: techs, Area: a.Area})
	}
	return d
}

// JSON encodes the document as served: compact (covered areas can be long
// polygons), UTF-8, with a final newline. The output is stable (map keys
// sorted), so the same record and counts give the same bytes and ETag.
func (d *Document) JSON() ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
