// Package hardware validates what staff type about items and loans: the
// inventory form, the MAC address, the lending form.
package hardware

import (
	"errors"
	"net"
	"strconv"
	"strings"

	"coin/date"
	"coin/form"
	"coin/store"
)

// ErrMAC is returned for anything but a 48-bit MAC address.
var ErrMAC = errors.New("not a 48-bit MAC address")

// NormalizeMAC reads a 48-bit MAC address in the forms people and devices
// print (00:1A:2b…, 00-1a-2b…, 001a.2b3c.4d5e) and returns it in lower
// case with colons: 00:1a:2b:3c:4d:5e.
func NormalizeMAC(s string) (string, error) {
	hw, err := net.ParseMAC(strings.TrimSpace(s))
	if err != nil || len(hw) != 6 {
		return "", ErrMAC
	}
	return hw.String(), nil
}

// ItemForm is the inventory form as submitted.
type ItemForm struct {
	Designation string
	TypeID      string
	MAC         string
	Serial      string
	BuyDate     string
	OwnerLogin  string // "" for the association
	StorageID   string
	Deployed    bool
	Comment     string
}

// FromItem fills the form with an item's values; ownerLogin is the login of
// its owner ("" for the association).
func FromItem(it *store.Item) ItemForm {
	f := ItemForm{Designation: it.Designation, TypeID: strconv.FormatInt(it.TypeID, 10), MAC: it.MAC,
		Serial: it.Serial, BuyDate: it.BuyDate.String(), Deployed: it.Deployed, Comment: it.Comment}
	if it.Owner != nil {
		f.OwnerLogin = it.Owner.Login
	}
	if it.StorageID != nil {
		f.StorageID = strconv.FormatInt(*it.StorageID, 10)
	}
	return f
}

// Lookup resolves what the form names: a type, a storage place, a member.
type Lookup struct {
	TypeExists    func(id int64) bool
	StorageExists func(id int64) bool
	// MemberID returns the id of the member with that login, if any.
	MemberID func(login string) (int64, bool)
}

// Validate checks the form and, when valid, copies it into it.
func (f *ItemForm) Validate(lk Lookup, it *store.Item) form.Errors {
	errs := form.Errors{}
	f.Designation = strings.TrimSpace(f.Designation)
	f.Serial = strings.TrimSpace(f.Serial)
	f.OwnerLogin = strings.ToLower(strings.TrimSpace(f.OwnerLogin))
	f.Comment = strings.TrimSpace(f.Comment)
	errs.Required("designation", f.Designation)
	errs.MaxLen("designation", f.Designation, 200)
	errs.MaxLen("serial", f.Serial, 200)
	errs.MaxLen("comment", f.Comment, 10000)
	typeID, err := strconv.ParseInt(f.TypeID, 10, 64)
	if err != nil || !lk.TypeExists(typeID) {
		errs.Add("type_id", "err.choice_invalid")
	}
	mac := ""
	if strings.TrimSpace(f.MAC) != "" {
		if mac, err = NormalizeMAC(f.MAC); err != nil {
			errs.Add("mac", "hardware.err.mac_invalid")
		} else {
			f.MAC = mac
		}
	}
	buy := errs.Date("buy_date", f.BuyDate)
	var storageID *int64
	if f.StorageID != "" {
		id, err := strconv.ParseInt(f.StorageID, 10, 64)
		if err != nil || !lk.StorageExists(id) {
			errs.Add("storage_id", "err.choice_invalid")
		}
		storageID = &id
	}
	var ownerID *int64
	if f.OwnerLogin != "" {
		if id, ok := lk.MemberID(f.OwnerLogin); ok {
			ownerID = &id
		} else {
			errs.Add("owner", "hardware.err.no_such_member")
		}
	}
	if errs.Any() {
		return errs
	}
	it.Designation, it.TypeID, it.MAC, it.Serial, it.BuyDate = f.Designation, typeID, mac, f.Serial, buy
	it.OwnerID, it.StorageID, it.Deployed, it.Comment = ownerID, storageID, f.Deployed, f.Comment
	return errs
}

// LoanForm is the lending form as submitted.
type LoanForm struct {
	MemberLogin string
	StartDate   string
	Notes       string
}

// Validate checks the form against today and, when valid, fills l.
func (f *LoanForm) Validate(today date.Date, memberID func(login string) (int64, bool), l *store.Loan) form.Errors {
	errs := form.Errors{}
	f.MemberLogin = strings.ToLower(strings.TrimSpace(f.MemberLogin))
	f.Notes = strings.TrimSpace(f.Notes)
	errs.Required("member", f.MemberLogin)
	id, ok := int64(0), false
	if f.MemberLogin != "" {
		if id, ok = memberID(f.MemberLogin); !ok {
			errs.Add("member", "hardware.err.no_such_member")
		}
	}
	start := today
	if strings.TrimSpace(f.StartDate) != "" {
		start = errs.Date("start_date", f.StartDate)
		if !start.IsZero() && start.After(today) {
			errs.Add("start_date", "hardware.err.start_in_future")
		}
	}
	errs.MaxLen("notes", f.Notes, 2000)
	if errs.Any() {
		return errs
	}
	l.MemberID, l.StartDate, l.Notes = id, start, f.Notes
	return errs
}
