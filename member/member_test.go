package member

import (
	"testing"

	"coin/store"
)

func TestValidateStaffForm(t *testing.T) {
	f := Form{Login: " Jean.Dupont ", PersonType: "natural", FirstName: "Jean", LastName: "Dupont",
		Email: "jean@example.org", Status: "member", DateJoined: "2024-01-15"}
	var m store.Member
	if errs := f.Validate(Staff, &m); errs.Any() {
		t.Fatalf("valid form refused: %v", errs)
	}
	if m.Login != "jean.dupont" || m.Status != "member" || m.DateJoined.String() != "2024-01-15" || m.Role != "member" {
		t.Fatalf("applied: %+v", m)
	}
}

func TestValidateRefusals(t *testing.T) {
	cases := []struct {
		name  string
		form  Form
		field string
		id    string
	}{
		{"login with space", Form{Login: "a b", PersonType: "natural", FirstName: "A", LastName: "B", Email: "a@b.org", Status: "member"}, "login", "err.login_invalid"},
		{"missing email", Form{Login: "ab", PersonType: "natural", FirstName: "A", LastName: "B", Status: "member"}, "email", "err.required"},
		{"bad email", Form{Login: "ab", PersonType: "natural", FirstName: "A", LastName: "B", Email: "a@b", Status: "member"}, "email", "err.email_invalid"},
		{"legal without name", Form{Login: "ab", PersonType: "legal", Email: "a@b.org", Status: "member"}, "organization_name", "err.required"},
		{"unknown status", Form{Login: "ab", PersonType: "natural", FirstName: "A", LastName: "B", Email: "a@b.org", Status: "boss"}, "status", "err.choice_invalid"},
		{"bad date", Form{Login: "ab", PersonType: "natural", FirstName: "A", LastName: "B", Email: "a@b.org", Status: "member", DateJoined: "15/01/2024"}, "date_joined", "err.date_invalid"},
		{"resign before join", Form{Login: "ab", PersonType: "natural", FirstName: "A", LastName: "B", Email: "a@b.org", Status: "member", DateJoined: "2024-01-15", ResignDate: "2023-01-01"}, "resign_date", "err.resign_before_joined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := store.Member{Login: "unchanged"}
			errs := c.form.Validate(Staff, &m)
			if errs.Get(c.field) != c.id {
				t.Fatalf("errors %v, want %s on %s", errs, c.id, c.field)
			}
			if m.Login != "unchanged" {
				t.Fatal("invalid form changed the member")
			}
		})
	}
}

func TestSelfCannotChangeStatusOrRole(t *testing.T) {
	m := store.Member{ID: 3, Login: "me", Role: "member", Status: "pending", Comments: "staff note"}
	f := Form{Login: "other", Role: "admin", Status: "member", PersonType: "natural", FirstName: "M",
		LastName: "E", Email: "me@example.org", Comments: "hacked"}
	if errs := f.Validate(Self, &m); errs.Any() {
		t.Fatal(errs)
	}
	if m.Login != "me" || m.Role != "member" || m.Status != "pending" || m.Comments != "staff note" {
		t.Fatalf("self edit changed protected fields: %+v", m)
	}
}

func TestStaffCannotChangeRole(t *testing.T) {
	m := store.Member{ID: 3, Login: "me", Role: "member"}
	f := Form{Role: "admin", Status: "member", PersonType: "natural", FirstName: "M", LastName: "E", Email: "me@example.org", Login: "me"}
	if errs := f.Validate(Staff, &m); errs.Any() {
		t.Fatal(errs)
	}
	if m.Role != "member" {
		t.Fatal("non-admin staff set a role")
	}
}
