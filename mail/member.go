package mail

import (
	"coin/date"
	"coin/store"
)

// Member is what templates (e-mails, PDF footers, portal blurbs, overrides
// included) may know of a member: never the password hash, the role or the
// staff's comments, since an override template is written by whoever
// manages the overrides folder and its output goes out by e-mail.
type Member struct {
	ID               int64
	Login            string
	PersonType       string
	FirstName        string
	LastName         string
	OrganizationName string
	Nickname         string
	Email            string
	Phone            string
	Address          string
	PostalCode       string
	City             string
	Country          string
	Language         string
	Status           string
	DateJoined       date.Date
	displayName      string
}

// DisplayName is the member's name as coin shows it.
func (m Member) DisplayName() string { return m.displayName }

// MemberOf projects a member for templates; nil gives nil (signed out).
func MemberOf(m *store.Member) *Member {
	if m == nil {
		return nil
	}
	return &Member{ID: m.ID, Login: m.Login, PersonType: m.PersonType, FirstName: m.FirstName, LastName: m.LastName,
		OrganizationName: m.OrganizationName, Nickname: m.Nickname, Email: m.Email, Phone: m.Phone,
		Address: m.Address, PostalCode: m.PostalCode, City: m.City, Country: m.Country, Language: m.Language,
		Status: m.Status, DateJoined: m.DateJoined, displayName: m.DisplayName()}
}
