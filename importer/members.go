package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"coin/member"
	"coin/model"
	"coin/store"
)

// memberForm turns a line into the member form the back office validates.
func memberForm(rw row) member.Form {
	v := rw.Fields
	f := member.Form{Login: strings.ToLower(v[fLogin]), PersonType: v[fPersonType], FirstName: v[fFirstName],
		LastName: v[fLastName], OrganizationName: v[fOrganization], Nickname: v[fNickname], Email: v[fEmail],
		Phone: v[fPhone], Address: v[fAddress], PostalCode: v[fPostalCode], City: v[fCity], Country: v[fCountry],
		Status: v[fStatus], Language: language(v[fLanguage]), Comments: v[fComments],
		DateJoined: isoDate(v[fJoined]), ResignDate: isoDate(v[fResign]), SendFeeReminders: v[fReminders] != "false"}
	if f.Phone == "" {
		f.Phone = v[fPhone2]
	}
	if a2 := v[fAddress2]; a2 != "" {
		f.Address = strings.TrimSpace(f.Address + "\n" + a2)
	}
	if f.PersonType == "" {
		f.PersonType = model.NaturalPerson
		if f.OrganizationName != "" && f.FirstName == "" && f.LastName == "" {
			f.PersonType = model.LegalPerson
		}
	}
	if f.Status == "" {
		f.Status = model.StatusMember
	}
	return f
}

// language reads "fr", "fr_FR", "en-GB"…; other values are kept, for the
// form to refuse.
func language(v string) string {
	l := strings.ToLower(v)
	for _, p := range []string{"fr", "en"} {
		if l == p || strings.HasPrefix(l, p+"_") || strings.HasPrefix(l, p+"-") {
			return p
		}
	}
	return v
}

var memberFormFields = map[string]string{"login": fLogin, "person_type": fPersonType, "first_name": fFirstName,
	"last_name": fLastName, "organization_name": fOrganization, "nickname": fNickname, "email": fEmail,
	"phone": fPhone, "address": fAddress, "postal_code": fPostalCode, "city": fCity, "country": fCountry,
	"status": fStatus, "language": fLanguage, "comments": fComments, "date_joined": fJoined, "resign_date": fResign}

func (r *run) member(ctx context.Context, l Line, rw row) (Line, error) {
	f := memberForm(rw)
	if l.Ref == "" {
		l.Ref = f.Login
		if l.Ref == "" {
			l.Ref = strings.ToLower(f.Email)
		}
	}
	known, err := r.knownRef(ctx, store.ImportMember, l.Ref)
	if err != nil {
		return l, err
	}
	if known != nil && known.Erased {
		l.Outcome, l.What = Skipped, "import.anonymised"
		return l, nil
	}
	m := &store.Member{}
	if known != nil {
		if m, err = r.tx.MemberByID(ctx, known.RecordID); errors.Is(err, store.ErrNotFound) {
			l.Outcome, l.What = Skipped, "import.deleted"
			return l, nil
		} else if err != nil {
			return l, err
		}
		f.Login = m.Login
	}
	before := *m
	if m.ID == 0 && f.Login == "" {
		if f.Login, err = r.freeLogin(ctx, f); err != nil {
			return l, err
		}
	}
	errs := f.Validate(member.Staff, m)
	l.What = strings.TrimSpace(f.FirstName + " " + f.LastName + " " + f.OrganizationName)
	if errs.Any() {
		return r.formErrors(l, errs, memberFormFields), nil
	}
	if m.ID == 0 {
		taken, err := r.loginTaken(ctx, m.Login)
		if err != nil {
			return l, err
		}
		if taken {
			return r.bad(l, fLogin, "import.err_login_taken", map[string]any{"Login": m.Login}), nil
		}
		r.logins[m.Login] = true
	} else if sameMember(&before, m) {
		l.Outcome = Unchanged
		return l, nil
	}
	l.Outcome = Update
	if m.ID == 0 {
		l.Outcome = Create
	}
	if err := r.s.Members.SaveTx(ctx, r.tx, m, before.Email); err != nil {
		return l, err
	}
	if l.Outcome == Create {
		return l, r.tx.AddImportRef(ctx, r.p.Source, store.ImportMember, l.Ref, m.ID, m.ID)
	}
	return l, nil
}

func (r *run) loginTaken(ctx context.Context, login string) (bool, error) {
	if r.logins[login] {
		return true, nil
	}
	_, err := r.tx.MemberByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

var notLogin = regexp.MustCompile(`[^a-z0-9._-]+`)

// freeLogin makes a login for a line without one: first.last, else the
// address's local part, else the organisation, with -2, -3… when taken.
func (r *run) freeLogin(ctx context.Context, f member.Form) (string, error) {
	base := ""
	for _, c := range []string{f.FirstName + "." + f.LastName, strings.SplitN(f.Email, "@", 2)[0], f.OrganizationName} {
		c = strings.Trim(notLogin.ReplaceAllString(store.Fold(strings.ReplaceAll(c, " ", "-")), ""), ".-_")
		if len(c) >= 2 {
			base = c
			break
		}
	}
	if base == "" {
		base = "member"
	}
	if len(base) > 56 {
		base = base[:56]
	}
	login := base
	for i := 2; ; i++ {
		taken, err := r.loginTaken(ctx, login)
		if err != nil || !taken {
			return login, err
		}
		login = fmt.Sprintf("%s-%d", base, i)
	}
}

// sameMember tells whether an import changed nothing of a member.
func sameMember(a, b *store.Member) bool {
	return a.PersonType == b.PersonType && a.FirstName == b.FirstName && a.LastName == b.LastName &&
		a.OrganizationName == b.OrganizationName && a.Nickname == b.Nickname && a.Email == b.Email &&
		a.Phone == b.Phone && a.Address == b.Address && a.PostalCode == b.PostalCode && a.City == b.City &&
		a.Country == b.Country && a.Status == b.Status && a.Language == b.Language && a.Comments == b.Comments &&
		a.DateJoined == b.DateJoined && a.ResignDate == b.ResignDate && a.SendFeeReminders == b.SendFeeReminders
}
