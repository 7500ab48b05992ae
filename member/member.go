// Package member validates what people type about a member, for the back
// office form, the portal profile and the sign-up form.
package member

import (
	"regexp"
	"strings"

	"coin/date"
	"coin/form"
	"coin/model"
	"coin/store"
)

var loginRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// Form is the text of a member form as submitted.
type Form struct {
	Login            string
	Role             string
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
	Status           string
	Language         string
	Comments         string
	DateJoined       string
	ResignDate       string
	SendFeeReminders bool
	// AcceptTerms: a visitor signing up ticked the box accepting the
	// statutes and privacy notice (read by account.Service.SignUp only).
	AcceptTerms bool
}

// Scope says which fields a form carries.
type Scope int

const (
	// Staff edits every field but the role.
	Staff Scope = iota
	// Admin edits every field, the role included.
	Admin
	// Self is a member editing their own profile.
	Self
	// SignUp is a visitor applying to join.
	SignUp
)

// FromMember fills a form with a member's current values.
func FromMember(m *store.Member) Form {
	return Form{Login: m.Login, Role: m.Role, PersonType: m.PersonType, FirstName: m.FirstName,
		LastName: m.LastName, OrganizationName: m.OrganizationName, Nickname: m.Nickname,
		Email: m.Email, Phone: m.Phone, Address: m.Address, PostalCode: m.PostalCode,
		City: m.City, Country: m.Country, Status: m.Status, Language: m.Language,
		Comments: m.Comments, DateJoined: m.DateJoined.String(), ResignDate: m.ResignDate.String(),
		SendFeeReminders: m.SendFeeReminders}
}

// Validate checks the fields of the scope and, when valid, copies them into m.
func (f *Form) Validate(scope Scope, m *store.Member) form.Errors {
	errs := form.Errors{}
	f.trim()
	if scope == Staff || scope == Admin || scope == SignUp {
		f.Login = strings.ToLower(f.Login)
		if m.ID == 0 || scope != SignUp {
			errs.Required("login", f.Login)
			if f.Login != "" && !loginRE.MatchString(f.Login) {
				errs.Add("login", "err.login_invalid")
			}
		}
	}
	errs.OneOf("person_type", f.PersonType, model.NaturalPerson, model.LegalPerson)
	if f.PersonType == model.LegalPerson {
		errs.Required("organization_name", f.OrganizationName)
	} else {
		errs.Required("first_name", f.FirstName)
		errs.Required("last_name", f.LastName)
	}
	errs.Required("email", f.Email)
	f.Email = errs.Email("email", f.Email)
	errs.OneOf("language", f.Language, "", "fr", "en")
	for field, v := range map[string]string{"first_name": f.FirstName, "last_name": f.LastName,
		"organization_name": f.OrganizationName, "nickname": f.Nickname, "email": f.Email,
		"phone": f.Phone, "postal_code": f.PostalCode, "city": f.City, "country": f.Country} {
		errs.MaxLen(field, v, 200)
	}
	errs.MaxLen("address", f.Address, 1000)
	errs.MaxLen("comments", f.Comments, 10000)
	var joined, resign date.Date
	if scope == Staff || scope == Admin {
		errs.OneOf("status", f.Status, model.StatusPending, model.StatusMember, model.StatusNotMember)
		joined = errs.Date("date_joined", f.DateJoined)
		resign = errs.Date("resign_date", f.ResignDate)
		if !joined.IsZero() && !resign.IsZero() && resign.Before(joined) {
			errs.Add("resign_date", "err.resign_before_joined")
		}
	}
	if scope == Admin {
		if f.Role == "" {
			f.Role = m.Role
			if f.Role == "" {
				f.Role = model.RoleMember
			}
		}
		errs.OneOf("role", f.Role, model.RoleMember, model.RoleSupport, model.RoleTreasurer, model.RoleAdmin)
	}
	if errs.Any() {
		return errs
	}
	f.apply(scope, m, joined, resign)
	return errs
}

func (f *Form) apply(scope Scope, m *store.Member, joined, resign date.Date) {
	if scope != Self && m.ID == 0 {
		m.Login = f.Login
	}
	m.PersonType, m.FirstName, m.LastName = f.PersonType, f.FirstName, f.LastName
	m.OrganizationName, m.Nickname, m.Email, m.Phone = f.OrganizationName, f.Nickname, f.Email, f.Phone
	m.Address, m.PostalCode, m.City, m.Country = f.Address, f.PostalCode, f.City, f.Country
	m.Language, m.SendFeeReminders = f.Language, f.SendFeeReminders
	if m.Role == "" {
		m.Role = model.RoleMember
	}
	switch scope {
	case Admin:
		m.Role = f.Role
		fallthrough
	case Staff:
		m.Status, m.Comments, m.ResignDate = f.Status, f.Comments, resign
		if !joined.IsZero() {
			m.DateJoined = joined
		}
	case SignUp:
		m.Status = model.StatusPending
		m.SelfRegistered = true
	}
}

func (f *Form) trim() {
	for _, p := range []*string{&f.Login, &f.Role, &f.PersonType, &f.FirstName, &f.LastName,
		&f.OrganizationName, &f.Nickname, &f.Email, &f.Phone, &f.PostalCode, &f.City, &f.Country,
		&f.Status, &f.Language, &f.DateJoined, &f.ResignDate} {
		*p = strings.TrimSpace(*p)
	}
	f.Address = strings.TrimSpace(f.Address)
}
