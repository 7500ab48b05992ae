package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/date"
	"coin/store"
)

// auditOf returns the entries about member id, newest first.
func (a *testApp) auditOf(f store.AuditFilter) []*store.AuditEntry {
	a.t.Helper()
	got, err := a.store.AuditEntries(context.Background(), f)
	if err != nil {
		a.t.Fatal(err)
	}
	return got
}

func changeOf(e *store.AuditEntry, field string) (store.Change, bool) {
	for _, c := range e.Changes {
		if c.Field == field {
			return c, true
		}
	}
	return store.Change{}, false
}

func TestAuditMemberEditRoleFeePayment(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		admin := a.addMember("admin", "admin", "admin-password")
		zoe := a.addMember("zoe", "member", "zoe-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get(fmt.Sprintf("/admin/members/%d/edit", zoe.ID))
		res := b.post(fmt.Sprintf("/admin/members/%d/edit", zoe.ID), url.Values{"person_type": {"natural"},
			"first_name": {"Zoé"}, "last_name": {"Test"}, "email": {"zoe@example.org"}, "city": {"Nantes"},
			"status": {"member"}, "language": {"en"}, "role": {"treasurer"}, "send_fee_reminders": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", res.Status, res.Body)
		}
		got := a.auditOf(store.AuditFilter{RecordType: "member", RecordID: zoe.ID})
		if len(got) != 2 || got[0].Action != "member.role_changed" || got[1].Action != "member.updated" {
			t.Fatalf("entries %+v", got)
		}
		ed := got[1]
		if ed.ActorID == nil || *ed.ActorID != admin.ID || ed.Who() != "admin" || ed.IP == "" {
			t.Fatalf("actor %+v", ed)
		}
		if c, ok := changeOf(ed, "first_name"); !ok || c.Old != "Zoe" || c.New != "Zoé" {
			t.Fatalf("first name change %+v in %+v", c, ed.Changes)
		}
		if c, ok := changeOf(ed, "city"); !ok || c.Old != "" || c.New != "Nantes" {
			t.Fatalf("city change %+v", c)
		}
		if c, ok := changeOf(ed, "role"); !ok || c.Old != "member" || c.New != "treasurer" {
			t.Fatalf("role change %+v", c)
		}
		for _, c := range ed.Changes {
			if strings.Contains(c.Field, "password") || strings.Contains(c.Old+c.New, "$") {
				t.Fatalf("a secret in the log: %+v", c)
			}
		}
		if _, ok := changeOf(ed, "email"); ok {
			t.Fatal("an unchanged field logged")
		}
		// Saving the same form again changes nothing and logs nothing.
		b.get(fmt.Sprintf("/admin/members/%d/edit", zoe.ID))
		b.post(fmt.Sprintf("/admin/members/%d/edit", zoe.ID), url.Values{"person_type": {"natural"},
			"first_name": {"Zoé"}, "last_name": {"Test"}, "email": {"zoe@example.org"}, "city": {"Nantes"},
			"status": {"member"}, "language": {"en"}, "role": {"treasurer"}, "send_fee_reminders": {"1"}})
		if n := len(a.auditOf(store.AuditFilter{RecordType: "member", RecordID: zoe.ID})); n != 2 {
			t.Fatalf("a save without change logged: %d entries", n)
		}

		// A fee and a payment, with the member's history on their page.
		page := b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		if res := b.post(fmt.Sprintf("/admin/members/%d/fees", zoe.ID), url.Values{"amount": {"20,00"},
			"start_date": {"2026-01-01"}, "payment_method": {"check"}, "payment_date": {"2025-12-20"},
			"_csrf": {b.csrf}}); res.Status != http.StatusSeeOther {
			t.Fatalf("fee: %d\n%s", res.Status, res.Body)
		}
		fees := a.auditOf(store.AuditFilter{RecordType: "fee"})
		if len(fees) != 1 || fees[0].Action != "fee.created" || *fees[0].MemberID != zoe.ID || fees[0].Who() != "admin" {
			t.Fatalf("fee entries %+v", fees)
		}
		if c, _ := changeOf(fees[0], "amount"); c.New != "20.00" {
			t.Fatalf("fee amount %+v", fees[0].Changes)
		}
		b.get("/admin/payments/new")
		if res := b.post("/admin/payments/new", url.Values{"member_id": {fmt.Sprint(zoe.ID)}, "amount": {"12,00"},
			"date": {"2026-11-10"}, "method": {"transfer"}, "label": {"VIR ZOE"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("payment: %d\n%s", res.Status, res.Body)
		}
		pays := a.auditOf(store.AuditFilter{RecordType: "payment"})
		if len(pays) != 1 || pays[0].Action != "payment.created" || *pays[0].MemberID != zoe.ID {
			t.Fatalf("payment entries %+v", pays)
		}
		_ = page
		page = b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		mustContain(t, page.Body, "History", "Payment recorded", "Membership fee recorded", "Role changed",
			"Nantes", fmt.Sprintf("/admin/audit?member=%d", zoe.ID))
		full := b.get(fmt.Sprintf("/admin/audit?member=%d", zoe.ID))
		mustContain(t, full.Body, "Audit log", "Member edited", "Payment recorded")
		b.lang = "fr"
		full = b.get(fmt.Sprintf("/admin/audit?type=member&id=%d", zoe.ID))
		mustContain(t, full.Body, "Journal d&#39;audit", "Membre modifié", "Rôle modifié")
		mustNotContain(t, full.Body, "Paiement enregistré")
		// By staff login and dates.
		mustContain(t, b.get("/admin/audit?staff=admin").Body, "Membre modifié")
		mustContain(t, b.get("/admin/audit?staff=nobody").Body, "Aucune entrée.")
		mustContain(t, b.get("/admin/audit?from=2000-01-01&to=2000-01-02").Body, "Aucune entrée.")
		if r := b.get("/admin/audit?from=yesterday"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad date: %d", r.Status)
		}
	})
}

func TestAuditRolledBackEditLeavesNoEntry(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		a.addMember("taken", "member", "taken-password")
		zoe := a.addMember("zoe", "member", "zoe-password")
		b := a.browser()
		b.login("admin", "admin-password")
		// A fee overlapping another is refused by the database inside the
		// transaction: its audit entry goes with it.
		path := fmt.Sprintf("/admin/members/%d/fees", zoe.ID)
		b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		form := url.Values{"amount": {"20,00"}, "start_date": {"2026-01-01"}, "payment_method": {"check"},
			"payment_date": {"2025-12-20"}}
		if res := b.post(path, form); res.Status != http.StatusSeeOther {
			t.Fatalf("fee: %d", res.Status)
		}
		b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
		form.Set("start_date", "2026-06-01")
		if res := b.post(path, form); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("overlapping fee: %d", res.Status)
		}
		if got := a.auditOf(store.AuditFilter{RecordType: "fee"}); len(got) != 1 {
			t.Fatalf("%d fee entries, want the one committed", len(got))
		}
		// The fee's entry is written in the caller's transaction: when a
		// later step of it fails, the fee and its entry both go.
		ctx := store.WithActor(context.Background(), store.Actor{Name: "test"})
		boom := errors.New("later step failed")
		err := a.store.Tx(ctx, func(tx *store.Store) error {
			p := &store.Payment{MemberID: zoe.ID, AmountCents: 2000, Method: "transfer", Date: date.MustParse("2027-03-01")}
			if err := tx.CreatePayment(ctx, p); err != nil {
				return err
			}
			if _, err := a.fees.RecordPaidTx(ctx, tx, p, zoe, "transfer", nil, "test"); err != nil {
				return err
			}
			if got, err := tx.AuditEntries(ctx, store.AuditFilter{RecordType: "fee"}); err != nil || len(got) != 2 {
				t.Fatalf("inside the transaction: %d fee entries, %v", len(got), err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := a.auditOf(store.AuditFilter{RecordType: "fee"}); len(got) != 1 {
			t.Fatalf("%d fee entries after the rollback, want 1", len(got))
		}
	})
}

func TestAuditPageIsAdminsOnly(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		zoe := a.addMember("zoe", "member", "zoe-password")
		for _, role := range []string{"treasurer", "support", "member"} {
			a.addMember(role, role, role+"-password")
			b := a.browser()
			b.login(role, role+"-password")
			if r := b.get("/admin/audit"); r.Status != http.StatusForbidden {
				t.Fatalf("%s on /admin/audit: %d", role, r.Status)
			}
			if role != "member" {
				page := b.get(fmt.Sprintf("/admin/members/%d", zoe.ID))
				mustNotContain(t, page.Body, "/admin/audit")
			}
		}
		if r := a.browser().get("/admin/audit"); r.Status == http.StatusOK {
			t.Fatal("anonymous reads the audit log")
		}
	})
}

func TestAuditExportsDownloaded(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		admin := a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		if r := b.get("/admin/members/export.csv?status=member"); r.Status != http.StatusOK {
			t.Fatalf("members export: %d", r.Status)
		}
		if r := b.get("/admin/accounting/export?from=2026-01-01&to=2026-12-31&format=csv"); r.Status != http.StatusOK {
			t.Fatalf("accounting export: %d", r.Status)
		}
		got := a.auditOf(store.AuditFilter{ActorID: admin.ID})
		if len(got) != 2 || got[0].Action != "export.accounting_csv" || got[1].Action != "export.members_csv" {
			t.Fatalf("entries %+v", got)
		}
		if c, _ := changeOf(got[1], "status"); c.New != "member" {
			t.Fatalf("export filters %+v", got[1].Changes)
		}
		if c, _ := changeOf(got[0], "period"); c.New != "2026-01-01 2026-12-31" {
			t.Fatalf("export period %+v", got[0].Changes)
		}
		mustContain(t, b.get("/admin/audit").Body, "Members&#39; CSV downloaded", "Accounting CSV downloaded")
	})
}

// What the audit log kept of a member's data goes when they are
// anonymised: the entries stay, without their values.
func TestAuditForgetsTheAnonymisedMembersData(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		zoe := a.addMember("zoe", "member", "zoe-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get(fmt.Sprintf("/admin/members/%d/edit", zoe.ID))
		if res := b.post(fmt.Sprintf("/admin/members/%d/edit", zoe.ID), url.Values{"person_type": {"natural"},
			"first_name": {"Zoé"}, "last_name": {"Quelinec"}, "email": {"zoe.quelinec@example.org"},
			"status": {"member"}, "language": {"en"}, "role": {"member"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", res.Status, res.Body)
		}
		if found := findText(t, a.store, "zoe.quelinec@example.org"); len(found) == 0 {
			t.Fatal("the edit was not logged with its values")
		}
		b.get(fmt.Sprintf("/admin/members/%d/anonymise", zoe.ID))
		b.post(fmt.Sprintf("/admin/members/%d/anonymise", zoe.ID), nil)
		if found := findText(t, a.store, "zoe.quelinec@example.org", "Quelinec"); len(found) != 0 {
			t.Fatalf("after anonymisation: %v", found)
		}
		got := a.auditOf(store.AuditFilter{MemberID: zoe.ID})
		if len(got) != 2 || got[0].Action != "member.anonymised" || !got[1].Redacted || got[1].Action != "member.updated" {
			t.Fatalf("entries %+v", got)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/audit?member=%d", zoe.ID)).Body, "Values erased with the member")
	})
}
