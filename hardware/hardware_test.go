package hardware

import (
	"net"
	"testing"

	"coin/date"
	"coin/store"
)

func TestNormalizeMAC(t *testing.T) {
	for in, want := range map[string]string{
		"00:1A:2B:3C:4D:5E":   "00:1a:2b:3c:4d:5e",
		" 00-1a-2b-3c-4d-5e ": "00:1a:2b:3c:4d:5e",
		"001a.2b3c.4d5e":      "00:1a:2b:3c:4d:5e",
		"ff:ff:ff:ff:ff:ff":   "ff:ff:ff:ff:ff:ff",
		"001A2B3C4D5E":        "00:1a:2b:3c:4d:5e",
	} {
		got, err := NormalizeMAC(in)
		if err != nil || got != want {
			t.Errorf("NormalizeMAC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "00:1a:2b:3c:4d", "00:1a:2b:3c:4d:5e:6f:70", "zz:1a:2b:3c:4d:5e",
		"00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01", "02:00:5e:10:00:00:00:01", "00:1a:2b:3c:4d:5e;"} {
		if got, err := NormalizeMAC(bad); err == nil {
			t.Errorf("NormalizeMAC(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzNormalizeMAC: whatever is typed, the result is either an error or a
// canonical 48-bit address that normalises to itself.
func FuzzNormalizeMAC(f *testing.F) {
	for _, s := range []string{"00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e", "", "::", "0000.0000.0000.0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeMAC(s)
		if err != nil {
			return
		}
		if len(got) != 17 {
			t.Fatalf("NormalizeMAC(%q) = %q: not aa:bb:cc:dd:ee:ff", s, got)
		}
		hw, err := net.ParseMAC(got)
		if err != nil || len(hw) != 6 || hw.String() != got {
			t.Fatalf("NormalizeMAC(%q) = %q does not read back", s, got)
		}
		if again, err := NormalizeMAC(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", s, got, again, err)
		}
	})
}

func lookup() Lookup {
	return Lookup{
		TypeExists:    func(id int64) bool { return id == 1 },
		StorageExists: func(id int64) bool { return id == 7 },
		MemberID: func(login string) (int64, bool) {
			if login == "alice" {
				return 42, true
			}
			return 0, false
		},
	}
}

func TestItemFormValidate(t *testing.T) {
	f := ItemForm{Designation: " Routeur TP-Link ", TypeID: "1", MAC: "00-1A-2B-3C-4D-5E", Serial: " SN1 ",
		BuyDate: "2024-05-02", OwnerLogin: "Alice", StorageID: "7", Deployed: true}
	var it store.Item
	if errs := f.Validate(lookup(), &it); errs.Any() {
		t.Fatalf("valid form refused: %v", errs)
	}
	if it.Designation != "Routeur TP-Link" || it.MAC != "00:1a:2b:3c:4d:5e" || it.Serial != "SN1" ||
		it.OwnerID == nil || *it.OwnerID != 42 || it.StorageID == nil || *it.StorageID != 7 ||
		!it.Deployed || it.BuyDate != date.MustParse("2024-05-02") {
		t.Fatalf("copied %+v", it)
	}
	// The association owns what has no owner; storage is optional.
	f = ItemForm{Designation: "Câble", TypeID: "1"}
	it = store.Item{}
	if errs := f.Validate(lookup(), &it); errs.Any() || it.OwnerID != nil || it.StorageID != nil || it.MAC != "" {
		t.Fatalf("minimal form: %v %+v", errs, it)
	}
	bad := ItemForm{TypeID: "9", MAC: "00:1a:2b", BuyDate: "02/05/2024", OwnerLogin: "nobody", StorageID: "x"}
	it = store.Item{Designation: "unchanged"}
	errs := bad.Validate(lookup(), &it)
	for field, id := range map[string]string{"designation": "err.required", "type_id": "err.choice_invalid",
		"mac": "hardware.err.mac_invalid", "buy_date": "err.date_invalid", "owner": "hardware.err.no_such_member",
		"storage_id": "err.choice_invalid"} {
		if errs.Get(field) != id {
			t.Errorf("%s: got %q, want %q", field, errs.Get(field), id)
		}
	}
	if it.Designation != "unchanged" {
		t.Fatal("an invalid form changed the item")
	}
}

func TestLoanFormValidate(t *testing.T) {
	today := date.MustParse("2026-03-10")
	ids := lookup().MemberID
	var l store.Loan
	f := LoanForm{MemberLogin: " ALICE ", Notes: " with power supply "}
	if errs := f.Validate(today, ids, &l); errs.Any() || l.MemberID != 42 || l.StartDate != today || l.Notes != "with power supply" {
		t.Fatalf("%v %+v", errs, l)
	}
	f = LoanForm{MemberLogin: "alice", StartDate: "2026-01-02"}
	if errs := f.Validate(today, ids, &l); errs.Any() || l.StartDate != date.MustParse("2026-01-02") {
		t.Fatalf("past start: %v %+v", errs, l)
	}
	for _, bad := range []LoanForm{{}, {MemberLogin: "bob"}, {MemberLogin: "alice", StartDate: "2026-03-11"},
		{MemberLogin: "alice", StartDate: "tomorrow"}} {
		if errs := bad.Validate(today, ids, &store.Loan{}); !errs.Any() {
			t.Errorf("%+v accepted", bad)
		}
	}
}
