package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/model"
	"coin/store"
)

// Staff tick members on the list (or take all those matching the filter)
// and write to them, change their status or export them.
func TestBulkActionsOnChosenMembers(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		ctx := t.Context()
		a.addMember("boss", model.RoleAdmin, "boss-password")
		alice := a.addMember("alice", model.RoleMember, "alice-password")
		bob := a.addMember("bob", model.RoleMember, "bob-password")
		carol := a.addMember("carol", model.RoleMember, "carol-password")
		carol.Status = model.StatusPending
		if err := a.store.UpdateMember(ctx, carol); err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetMemberLanguage(ctx, bob.ID, "en"); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("boss", "boss-password")
		list := b.get("/admin/members")
		mustContain(t, list.Body, `form="bulk-form"`, `id="bulk-form"`, fmt.Sprintf(`value="%d"`, alice.ID))

		chosen := url.Values{"id": {fmt.Sprint(alice.ID), fmt.Sprint(bob.ID)}}
		page := b.post("/admin/members/bulk", with(chosen, "action", "email"))
		mustContain(t, page.Body, "To 2 members", "Send to 2 members", "{{.Member.FirstName}}, {{.Member.DisplayName}}")

		msg := with(chosen, "subject", "News for {{.Member.FirstName}}", "body", "Hello {{.Member.FirstName}},\r\nThe general assembly is on Friday.")
		preview := b.post("/admin/members/bulk/email", with(msg, "action", "preview"))
		if preview.Status != http.StatusOK {
			t.Fatalf("preview: %d", preview.Status)
		}
		mustContain(t, preview.Body, "Subject: News for Alice", "Hello Alice,")
		if n := a.outboxCount("bulk"); n != 0 {
			t.Fatalf("the preview queued %d messages", n)
		}
		bad := b.post("/admin/members/bulk/email", with(chosen, "subject", "x", "body", "Hello {{.Member.FirstName", "action", "send"))
		if bad.Status != http.StatusUnprocessableEntity || a.outboxCount("bulk") != 0 {
			t.Fatalf("broken placeholder: %d, %d queued", bad.Status, a.outboxCount("bulk"))
		}
		mustContain(t, bad.Body, "placeholder is not written right")
		if res := b.post("/admin/members/bulk/email", with(msg, "action", "send")); res.Status != http.StatusSeeOther {
			t.Fatalf("send: %d", res.Status)
		}
		ms, _, _ := a.store.ListMessages(ctx, store.OutboxFilter{})
		got := map[string]*store.Message{}
		for _, m := range ms {
			if m.Kind == "bulk" {
				got[m.To] = m
			}
		}
		if len(got) != 2 || got["carol@example.org"] != nil {
			t.Fatalf("bulk messages to %v", got)
		}
		if m := got["bob@example.org"]; m.Subject != "News for Bob" || !strings.HasPrefix(m.TextBody, "Hello Bob,\nThe general assembly") ||
			!strings.Contains(m.TextBody, "FAI Test") {
			t.Fatalf("bob's message: %q %q", m.Subject, m.TextBody)
		}

		// All pending members become non-members; the others keep theirs.
		res := b.post("/admin/members/bulk", url.Values{"all": {"1"}, "status": {model.StatusPending}, "action": {"status"},
			"new_status": {model.StatusNotMember}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("status: %d", res.Status)
		}
		for id, want := range map[int64]string{carol.ID: model.StatusNotMember, alice.ID: model.StatusMember} {
			if m, _ := a.store.MemberByID(ctx, id); m.Status != want {
				t.Fatalf("member %d: status %q, want %q", id, m.Status, want)
			}
		}

		exp := b.post("/admin/members/bulk", with(chosen, "action", "export"))
		rows, err := csv.NewReader(strings.NewReader(exp.Body)).ReadAll()
		if err != nil || len(rows) != 3 || rows[1][1] != "alice" || rows[2][1] != "bob" {
			t.Fatalf("export: %v %v\n%s", rows, err, exp.Body)
		}

		// Members cannot.
		mb := a.browser()
		mb.login("alice", "alice-password")
		if res := mb.post("/admin/members/bulk", with(chosen, "action", "export")); res.Status != http.StatusForbidden {
			t.Fatalf("a member's bulk export: %d", res.Status)
		}
	})
}

// with returns a copy of v with the pairs set.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// The treasurer writes to the members of the invoices a filter shows.
func TestWriteToTheMembersOfFilteredInvoices(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		alice, inv := chargedMember(t, a, "alice")
		chargedMember(t, a, "bob")
		a.addMember("tres", model.RoleTreasurer, "tres-password")
		b := a.browser()
		b.login("tres", "tres-password")
		list := b.get("/admin/invoices?q=" + inv.Number)
		mustContain(t, list.Body, "Write to the member of this invoice")
		page := b.post("/admin/invoices/bulk/email", url.Values{"q": {inv.Number}})
		mustContain(t, page.Body, "To 1 member", fmt.Sprintf(`name="id" value="%d"`, alice.ID))
		res := b.post("/admin/invoices/bulk/email", url.Values{"id": {fmt.Sprint(alice.ID)}, "action": {"send"},
			"subject": {"Your invoice"}, "body": {"Hello {{.Member.FirstName}}, please pay."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("send: %d\n%s", res.Status, res.Body)
		}
		if n := a.outboxCount("bulk"); n != 1 {
			t.Fatalf("%d messages queued, want 1", n)
		}
	})
}
