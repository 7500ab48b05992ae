package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/config"
	"coin/date"
	"coin/model"
	"coin/store"
)

// stock adds a type, a place and an item through the store.
func (a *testApp) stock(designation, mac string) *store.Item {
	a.t.Helper()
	ctx := a.t.Context()
	types, _ := a.store.ItemTypes(ctx)
	var typeID int64
	if len(types) == 0 {
		ty := &store.ItemType{Name: "Routeur"}
		if err := a.store.CreateItemType(ctx, ty); err != nil {
			a.t.Fatal(err)
		}
		typeID = ty.ID
	} else {
		typeID = types[0].ID
	}
	it := &store.Item{Designation: designation, TypeID: typeID, MAC: mac}
	if err := a.store.CreateItem(ctx, it); err != nil {
		a.t.Fatal(err)
	}
	return it
}

func (a *testApp) lend(it *store.Item, m *store.Member) {
	a.t.Helper()
	if err := a.store.LendItem(a.t.Context(), &store.Loan{ItemID: it.ID, MemberID: m.ID, StartDate: date.MustParse("2026-01-02")}); err != nil {
		a.t.Fatal(err)
	}
}

func TestInventoryIsForInventoryStaff(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("treasurer", "treasurer", "treasurer-password")
		a.addMember("support", "support", "support-password")
		it := a.stock("Turris Omnia", "")
		a.lend(it, alice)
		paths := []string{"/admin/hardware", fmt.Sprintf("/admin/hardware/%d", it.ID), "/admin/hardware/export.csv",
			"/admin/hardware/types", "/admin/hardware/new"}
		for _, who := range []string{"alice", "treasurer"} {
			b := a.browser()
			b.login(who, who+"-password")
			for _, p := range paths {
				if res := b.get(p); res.Status != http.StatusForbidden {
					t.Fatalf("%s GET %s: %d, want 403", who, p, res.Status)
				}
			}
			b.get("/")
			if res := b.post(fmt.Sprintf("/admin/hardware/%d/return", it.ID), nil); res.Status != http.StatusForbidden {
				t.Fatalf("%s takes an item back: %d", who, res.Status)
			}
			mustNotContain(t, b.get("/").Body, `href="/admin/hardware"`)
		}
		if got, _ := a.store.ItemByID(t.Context(), it.ID); got.State() != model.ItemLent {
			t.Fatal("a refused request took the item back")
		}
		b := a.browser()
		b.login("support", "support-password")
		for _, p := range paths {
			if res := b.get(p); res.Status != http.StatusOK {
				t.Fatalf("support GET %s: %d", p, res.Status)
			}
		}
		mustContain(t, b.get("/").Body, `href="/admin/hardware"`, `href="/hardware"`)
	})
}

func TestHardwareCanBeTurnedOff(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Hardware.Enabled = false }, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		for _, p := range []string{"/hardware", "/admin/hardware", "/admin/hardware/types", "/admin/hardware/export.csv"} {
			if res := b.get(p); res.Status != http.StatusNotFound {
				t.Fatalf("GET %s with hardware off: %d, want 404", p, res.Status)
			}
		}
		mustNotContain(t, b.get("/").Body, `href="/admin/hardware"`, `href="/hardware"`)
	})
}

func TestItemFormNormalisesMACAndRefusesBadInput(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		a.addMember("bob", "member", "bob-password")
		b := a.browser()
		b.login("support", "support-password")
		b.get("/admin/hardware/types")
		if res := b.post("/admin/hardware/types", url.Values{"name": {"ONT"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("create type: %d %s", res.Status, res.Body)
		}
		if res := b.post("/admin/hardware/types", url.Values{"name": {"ONT"}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate type: %d", res.Status)
		}
		types, _ := a.store.ItemTypes(t.Context())
		typeID := fmt.Sprint(types[0].ID)
		b.get("/admin/hardware/new")
		bad := url.Values{"designation": {"ONT Huawei"}, "type_id": {typeID}, "mac": {"00:1a:2b:3c:4d"},
			"owner": {"nobody"}, "buy_date": {"hier"}}
		res := b.post("/admin/hardware/new", bad, "HX-Request", "true", "HX-Target", "item-form")
		if res.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(res.Body, "<form") {
			t.Fatalf("bad form: %d %.100s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "Enter a MAC address of 6 bytes", "No member has this login.", "Enter a date as YYYY-MM-DD.", `value="ONT Huawei"`)
		if items, n, _ := a.store.ListItems(t.Context(), store.ItemFilter{}); n != 0 {
			t.Fatalf("an invalid form wrote %v", items)
		}
		good := url.Values{"designation": {"ONT Huawei"}, "type_id": {typeID}, "mac": {"00-1A-2B-3C-4D-5E"},
			"serial": {"HW-1"}, "owner": {"bob"}, "buy_date": {"2025-11-02"}, "comment": {"=cmd|' /C calc'!A0"}}
		res = b.post("/admin/hardware/new", good)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create item: %d %s", res.Status, res.Body)
		}
		page := b.get(res.Header.Get("Location"))
		mustContain(t, page.Body, "00:1a:2b:3c:4d:5e", "HW-1", "Bob Test", "The item has been added")
		// The same MAC in another form is refused, whatever its spelling.
		b.get("/admin/hardware/new")
		good.Set("mac", "001a.2b3c.4d5e")
		good.Set("serial", "HW-2")
		res = b.post("/admin/hardware/new", good)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate MAC: %d", res.Status)
		}
		mustContain(t, res.Body, "Another item has this MAC address.")
		// The CSV export has it, with the formula defused.
		res = b.get("/admin/hardware/export.csv")
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="inventory-`) {
			t.Fatalf("export: %d %v", res.Status, res.Header)
		}
		mustContain(t, res.Body, "#,Designation,Type,MAC address", "ONT Huawei,ONT,00:1a:2b:3c:4d:5e,HW-1,2025-11-02,bob,,Available,,,'=cmd")
	})
}

func TestLendAndTakeBackInOneClick(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("bob", "member", "bob-password")
		it := a.stock("Turris Omnia", "00:1a:2b:3c:4d:5e")
		b := a.browser()
		b.login("support", "support-password")
		inv := b.get("/admin/hardware")
		mustContain(t, inv.Body, "Turris Omnia", `list="member-logins"`, `<option value="alice">Alice Test</option>`)
		row := fmt.Sprintf("item-%d", it.ID)
		lend := fmt.Sprintf("/admin/hardware/%d/lend", it.ID)
		res := b.post(lend, url.Values{"member": {"nobody"}}, "HX-Request", "true", "HX-Target", row)
		if res.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(res.Body, "<tr") {
			t.Fatalf("lend to nobody: %d %.100s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "No member has this login.")
		res = b.post(lend, url.Values{"member": {"alice"}}, "HX-Request", "true", "HX-Target", row)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "<tr") {
			t.Fatalf("lend: %d %.100s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "Lent to Alice Test", "Take back")
		// Lending it again, from a stale page, is refused.
		res = b.post(lend, url.Values{"member": {"bob"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("second lend: %d", res.Status)
		}
		mustContain(t, res.Body, "This item is already lent")
		if loans, _ := a.store.ItemLoans(t.Context(), it.ID); len(loans) != 1 || loans[0].MemberID != alice.ID {
			t.Fatalf("loans: %+v", loans)
		}
		// The inventory filters see it as lent.
		mustContain(t, b.get("/admin/hardware?state=lent").Body, "Turris Omnia")
		mustNotContain(t, b.get("/admin/hardware?state=available").Body, "Turris Omnia")
		res = b.post(fmt.Sprintf("/admin/hardware/%d/return", it.ID), nil, "HX-Request", "true", "HX-Target", row)
		if res.Status != http.StatusOK {
			t.Fatalf("take back: %d", res.Status)
		}
		mustContain(t, res.Body, "Available", ">Lend<")
		// Without JavaScript: the item page's form, then a redirect.
		b.get(fmt.Sprintf("/admin/hardware/%d", it.ID))
		res = b.post(lend, url.Values{"member": {"bob"}, "start_date": {"2026-01-03"}, "notes": {"avec alimentation"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("plain lend: %d %s", res.Status, res.Body)
		}
		page := b.get(fmt.Sprintf("/admin/hardware/%d", it.ID))
		mustContain(t, page.Body, "The item is now lent.", "Bob Test", "avec alimentation", "Alice Test", "Loan history")
	})
}

func TestMemberSeesOnlyTheirOwnHardware(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		mine := a.stock("Routeur d'Alice", "00:00:00:00:00:01")
		theirs := a.stock("Routeur de Bob", "00:00:00:00:00:02")
		a.lend(mine, alice)
		a.lend(theirs, bob)
		b := a.browser()
		b.login("alice", "alice-password")
		res := b.get("/hardware")
		if res.Status != http.StatusOK {
			t.Fatalf("my hardware: %d", res.Status)
		}
		mustContain(t, res.Body, "Routeur d&#39;Alice", "00:00:00:00:00:01", "With you")
		mustNotContain(t, res.Body, "Routeur de Bob", "00:00:00:00:00:02")
		for _, p := range []string{fmt.Sprintf("/admin/hardware/%d", theirs.ID), "/admin/hardware/export.csv"} {
			if res := b.get(p); res.Status != http.StatusForbidden {
				t.Fatalf("member GET %s: %d", p, res.Status)
			}
		}
		// Another member's loans are never reached through the portal's own URLs.
		if res := b.get(fmt.Sprintf("/hardware/%d", theirs.ID)); res.Status != http.StatusNotFound {
			t.Fatalf("GET /hardware/ID: %d", res.Status)
		}
	})
}

func TestDeleteItemsAndCorrectLoans(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		lent := a.stock("Turris Omnia", "")
		spare := a.stock("Câble RJ45", "")
		a.lend(lent, alice)
		b := a.browser()
		b.login("support", "support-password")
		// An item out cannot be deleted, nor its type.
		b.get(fmt.Sprintf("/admin/hardware/%d/delete", lent.ID))
		if res := b.post(fmt.Sprintf("/admin/hardware/%d/delete", lent.ID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete lent: %d", res.Status)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/hardware/%d", lent.ID)).Body, "take it back before deleting it")
		if res := b.post(fmt.Sprintf("/admin/hardware/types/%d/delete", lent.TypeID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete used type: %d", res.Status)
		}
		mustContain(t, b.get("/admin/hardware/types").Body, "Items have this type")
		if types, _ := a.store.ItemTypes(t.Context()); len(types) != 1 {
			t.Fatal("a used type was deleted")
		}
		page := b.get(fmt.Sprintf("/admin/hardware/%d/delete", spare.ID))
		mustContain(t, page.Body, "Delete Câble RJ45?", "(0 loans)")
		if res := b.post(fmt.Sprintf("/admin/hardware/%d/delete", spare.ID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.Status)
		}
		if _, err := a.store.ItemByID(t.Context(), spare.ID); err == nil {
			t.Fatal("item still there")
		}
		// Correcting a loan: dates are checked; it cannot reopen while the item is out again.
		loans, _ := a.store.ItemLoans(t.Context(), lent.ID)
		edit := fmt.Sprintf("/admin/hardware/loans/%d/edit", loans[0].ID)
		b.get(edit)
		res := b.post(edit, url.Values{"start_date": {"2026-01-02"}, "end_date": {"2025-12-01"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("end before start: %d", res.Status)
		}
		mustContain(t, res.Body, "The return cannot be before the start.")
		if res := b.post(edit, url.Values{"start_date": {"2026-01-02"}, "end_date": {"2026-02-01"}, "notes": {"rendu sans alim"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("close loan: %d", res.Status)
		}
		a.lend(lent, alice)
		res = b.post(edit, url.Values{"start_date": {"2026-01-02"}, "end_date": {""}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("reopen while out: %d", res.Status)
		}
		mustContain(t, res.Body, "The item is out on another loan")
		if l, _ := a.store.LoanByID(t.Context(), loans[0].ID); l.EndDate.String() != "2026-02-01" || l.Notes != "rendu sans alim" {
			t.Fatalf("loan: %+v", l)
		}
	})
}
