package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
)

func (a *testApp) addFee(m *store.Member, start, end date.Date) *store.MembershipFee {
	a.t.Helper()
	f := &store.MembershipFee{MemberID: m.ID, Amount: 1500, StartDate: start, EndDate: end,
		PaymentMethod: model.PayTransfer, PaymentDate: start, Reference: "VIR " + m.Login}
	if err := a.store.CreateMembershipFee(context.Background(), f); err != nil {
		a.t.Fatal(err)
	}
	return f
}

func (a *testApp) today() date.Date { return date.Today(a.cfg.Location()) }

func TestPortalShowsFeeStatusAndHowToPay(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		end := a.today().AddMonths(1)
		a.addFee(alice, end.AddYears(-1).AddDays(1), end)
		a.addFee(bob, a.today().AddYears(-2), a.today().AddYears(-1))
		b := a.browser()
		b.login("alice", "alice-password")
		res := b.get("/")
		// Ends next month: up to date, and told how to renew. Without bank
		// details, the portal says to contact the association.
		mustContain(t, res.Body, `id="fee-card"`, "Up to date", "paid until", "How to pay", "€15.00 a year",
			fmt.Sprintf("ADH-%d", alice.ID), "contact the association")
		a.setIdentity()
		res = b.get("/membership")
		mustContain(t, res.Body, "My membership", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
			"VIR alice", "Bank transfer")
		mustNotContain(t, res.Body, "VIR bob", "contact the association")
		// Bob's fee has expired.
		b = a.browser()
		b.login("bob", "bob-password")
		mustContain(t, b.get("/").Body, "Expired", "ended on", fmt.Sprintf("ADH-%d", bob.ID))
		mustNotContain(t, b.get("/membership").Body, "VIR alice")
		// Visitors are sent to sign in.
		if res := a.browser().get("/membership"); res.Status != http.StatusSeeOther {
			t.Fatalf("visitor: %d", res.Status)
		}
	})
}

func TestTreasurerRecordsAndDeletesFees(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		zoe := a.addMember("zoe", "member", "zoe-password")
		a.addMember("treasurer", "treasurer", "treasurer-password")
		b := a.browser()
		b.login("treasurer", "treasurer-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		mustContain(t, page.Body, `id="member-fees"`, "Never paid", `id="fee-form"`, `value="15.00"`,
			`value="`+a.today().String()+`"`)
		path := fmt.Sprintf("/admin/members/%d/fees", zoe.ID)
		// Bad input: 422 with the errors, nothing written.
		res := b.post(path, url.Values{"amount": {"lots"}, "start_date": {"2026-13-01"}, "payment_method": {"bitcoin"},
			"payment_date": {"2026-01-01"}}, "HX-Request", "true", "HX-Target", "fee-form")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d", res.Status)
		}
		mustContain(t, res.Body, `<form`, "Enter an amount such as 12.50.", "Enter a date as YYYY-MM-DD.", "Choose one of the options.")
		if fees, _ := a.store.MembershipFeesOfMember(context.Background(), zoe.ID); len(fees) != 0 {
			t.Fatalf("bad form wrote %d fees", len(fees))
		}
		form := url.Values{"amount": {"20,00"}, "start_date": {"2026-01-01"}, "end_date": {""}, "payment_method": {"check"},
			"payment_date": {"2025-12-20"}, "reference": {"CHQ 123"}}
		if res := b.post(path, form); res.Status != http.StatusSeeOther {
			t.Fatalf("record: %d\n%s", res.Status, res.Body)
		}
		fees, _ := a.store.MembershipFeesOfMember(context.Background(), zoe.ID)
		if len(fees) != 1 || fees[0].Amount != 2000 || fees[0].EndDate.String() != "2026-12-31" || fees[0].CreatedBy == nil {
			t.Fatalf("recorded: %+v", fees)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/members/%d", zoe.ID)).Body, "The membership fee has been recorded.", "CHQ 123", "Cheque")
		// A French reader gets the amount the French way.
		fr := a.browser()
		fr.lang = "fr"
		fr.login("treasurer", "treasurer-password")
		newcomer := a.addMember("newcomer", "member", "newcomer-password")
		mustContain(t, fr.get(fmt.Sprintf("/admin/members/%d", newcomer.ID)).Body, `value="15,00"`)
		// The same period again is an overlap: refused with a message.
		res = b.post(path, form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("overlap: %d", res.Status)
		}
		mustContain(t, res.Body, "This period overlaps another fee of this member.")
		// Deleting through another member's URL finds nothing.
		other := a.addMember("other", "member", "other-password")
		b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		if res := b.post(fmt.Sprintf("/admin/members/%d/fees/%d/delete", other.ID, fees[0].ID), nil); res.Status != http.StatusNotFound {
			t.Fatalf("delete through another member: %d", res.Status)
		}
		if res := b.post(fmt.Sprintf("/admin/members/%d/fees/%d/delete", zoe.ID, fees[0].ID), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.Status)
		}
		if fees, _ := a.store.MembershipFeesOfMember(context.Background(), zoe.ID); len(fees) != 0 {
			t.Fatal("fee not deleted")
		}
		// Both writes are in the accounting log, by the treasurer.
		entries, err := a.store.LogEntries(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Operation != "membership_fee.created" || entries[0].AmountCents != 2000 ||
			entries[1].Operation != "membership_fee.deleted" || entries[1].AmountCents != -2000 || entries[1].Actor != "treasurer" {
			t.Fatalf("accounting log: %d entries", len(entries))
		}
	})
}

func TestFeeWritesNeedTheRightRole(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		zoe := a.addMember("zoe", "member", "zoe-password")
		fee := a.addFee(zoe, date.MustParse("2026-01-01"), date.MustParse("2026-12-31"))
		form := url.Values{"amount": {"15"}, "start_date": {"2027-01-01"}, "payment_method": {"cash"}, "payment_date": {"2027-01-01"}}
		create := fmt.Sprintf("/admin/members/%d/fees", zoe.ID)
		del := fmt.Sprintf("/admin/members/%d/fees/%d/delete", zoe.ID, fee.ID)
		// Support sees fees but records nothing.
		a.addMember("support", "support", "support-password")
		b := a.browser()
		b.login("support", "support-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		mustContain(t, page.Body, `id="member-fees"`, "VIR zoe")
		mustNotContain(t, page.Body, `id="fee-form"`, "/delete\"")
		for _, p := range []string{create, del} {
			if res := b.post(p, form); res.Status != http.StatusForbidden {
				t.Fatalf("support POST %s: %d", p, res.Status)
			}
		}
		// The list of every member's fees is the treasurer's.
		if res := b.get("/admin/fees"); res.Status != http.StatusForbidden {
			t.Fatalf("support fee list: %d, want 403", res.Status)
		}
		// A member reaches none of it.
		m := a.browser()
		m.login("zoe", "zoe-password")
		for _, p := range []string{create, del} {
			if res := m.post(p, form); res.Status != http.StatusForbidden {
				t.Fatalf("member POST %s: %d", p, res.Status)
			}
		}
		if res := m.get("/admin/fees"); res.Status != http.StatusForbidden {
			t.Fatalf("member fee list: %d", res.Status)
		}
		// A treasurer's form without its CSRF token is refused.
		a.addMember("treasurer", "treasurer", "treasurer-password")
		tr := a.browser()
		tr.login("treasurer", "treasurer-password")
		if res := tr.postRaw(create, form); res.Status != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", res.Status)
		}
		if fees, _ := a.store.MembershipFeesOfMember(context.Background(), zoe.ID); len(fees) != 1 {
			t.Fatalf("%d fees after refused writes", len(fees))
		}
	})
}

func TestFeeListFilters(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		today := a.today()
		cur := a.addMember("current", "member", "x-password")
		a.addFee(cur, today.AddMonths(-6), today.AddMonths(6))
		old := a.addMember("lapsed", "member", "x-password")
		a.addFee(old, today.AddMonths(-18), today.AddMonths(-6))
		a.addMember("newbie", "member", "x-password")
		b := a.browser()
		b.login("admin", "admin-password")
		res := b.get("/admin/fees")
		mustContain(t, res.Body, "Current Test", "Lapsed Test", "Newbie Test", "Admin Test")
		res = b.get("/admin/fees?state=never&status=member")
		mustContain(t, res.Body, "Newbie Test", "Admin Test")
		mustNotContain(t, res.Body, "Current Test", "Lapsed Test")
		res = b.get("/admin/fees?state=expired")
		mustContain(t, res.Body, "Lapsed Test", "Expired")
		mustNotContain(t, res.Body, "Current Test", "Newbie Test")
		res = b.get("/admin/fees?state=up_to_date&q=curr")
		mustContain(t, res.Body, "Current Test", "1 member")
		mustNotContain(t, res.Body, "Lapsed Test")
		// An unknown filter value is ignored, not an error.
		if res := b.get("/admin/fees?state=%27%3B--&status=x"); res.Status != http.StatusOK {
			t.Fatalf("bad filter: %d", res.Status)
		}
	})
}
