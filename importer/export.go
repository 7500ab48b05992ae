package importer

import (
	"strconv"
	"strings"

	"coin/csvsafe"
	"coin/store"
)

// MemberColumns is the header of coin's members CSV, the layout of the
// "coin" profile.
var MemberColumns = []string{"id", "login", "person_type", "first_name", "last_name", "organization_name",
	"nickname", "email", "phone", "address", "postal_code", "city", "country", "status", "language",
	"send_fee_reminders", "date_joined", "resign_date", "comments"}

// MemberRecord is a member's line in coin's members CSV.
func MemberRecord(m *store.Member) []string {
	return []string{strconv.FormatInt(m.ID, 10), m.Login, m.PersonType, m.FirstName, m.LastName,
		m.OrganizationName, m.Nickname, m.Email, m.Phone, m.Address, m.PostalCode, m.City, m.Country,
		m.Status, m.Language, strconv.FormatBool(m.SendFeeReminders), m.DateJoined.String(),
		m.ResignDate.String(), m.Comments}
}

// Exportable tells whether a member belongs in an export: an anonymised
// member has nothing left to move.
func Exportable(m *store.Member) bool {
	return !(m.Email == "" && m.Login == store.AnonymisedLogin(m.ID))
}

// WriteMembers writes the header and the members through w.
func WriteMembers(w *csvsafe.Writer, members []*store.Member) error {
	if err := w.Write(MemberColumns); err != nil {
		return err
	}
	for _, m := range members {
		if !Exportable(m) {
			continue
		}
		if err := w.Write(MemberRecord(m)); err != nil {
			return err
		}
	}
	return nil
}

// unformula undoes csvsafe.Text: coin's own exports put an apostrophe
// before a cell a spreadsheet would run (a phone number "+33…").
func unformula(v string) string {
	if len(v) >= 2 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
