package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/digest"
	"coin/model"
	"coin/store"
)

// Each staff member gets, once a day, the list of what needs their role,
// each line with the link to its page; nobody gets an empty digest.
func TestStaffDigestTellsEachRoleWhatNeedsThem(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		ctx := t.Context()
		admin := a.addMember("boss", model.RoleAdmin, "boss-password")
		tres := a.addMember("tres", model.RoleTreasurer, "tres-password")
		helper := a.addMember("helper", model.RoleSupport, "helper-password")
		for _, m := range []*store.Member{admin, tres} {
			if err := a.store.SetMemberLanguage(ctx, m.ID, "en"); err != nil {
				t.Fatal(err)
			}
		}
		svc := &digest.Service{Store: a.store, Cfg: a.cfg, Mail: a.fees.Mail, Catalog: a.fees.Catalog,
			Site: a.fees.Site, Log: a.fees.Log}
		day := date.MustParse("2027-01-15")
		if sum, err := svc.Send(ctx, day, false); err != nil || !strings.HasPrefix(sum, "0 ") {
			t.Fatalf("nothing to say: %q %v", sum, err)
		}
		// A verified sign-up, a failed hook, an overdue invoice.
		newcomer := &store.Member{Login: "newcomer", Role: model.RoleMember, PersonType: model.NaturalPerson,
			FirstName: "Noé", LastName: "Lefèvre", Email: "noe@example.org", Status: model.StatusPending, SelfRegistered: true}
		if err := a.store.CreateMember(ctx, newcomer); err != nil {
			t.Fatal(err)
		}
		if err := a.store.VerifyMemberEmail(ctx, newcomer.ID); err != nil {
			t.Fatal(err)
		}
		chargedMember(t, a, "alice")
		subs, _, err := a.store.ListSubscriptions(ctx, store.SubscriptionFilter{Limit: 1})
		if err != nil || len(subs) != 1 {
			t.Fatal(subs, err)
		}
		exit := 3
		if err := a.store.RecordHookRun(ctx, &store.HookRun{SubscriptionID: subs[0].ID, Action: "provision",
			ExitCode: &exit, Output: "boom", StartedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if sum, err := svc.Send(ctx, day, true); err != nil || sum != "3 staff digests would be sent (dry run)" {
			t.Fatalf("dry run: %q %v", sum, err)
		}
		if n := a.outboxCount("staff_digest"); n != 0 {
			t.Fatalf("the dry run queued %d digests", n)
		}
		if sum, err := svc.Send(ctx, day, false); err != nil || sum != "3 staff digests queued" {
			t.Fatalf("send: %q %v", sum, err)
		}
		body := func(m *store.Member) string {
			ms, _, err := a.store.ListMessages(ctx, store.OutboxFilter{MemberID: m.ID, Limit: 5})
			if err != nil || len(ms) != 1 || ms[0].Kind != "staff_digest" {
				t.Fatalf("digest of %s: %v %v", m.Login, ms, err)
			}
			return ms[0].Subject + "\n" + ms[0].TextBody
		}
		url := a.cfg.AbsoluteURL
		got := body(admin)
		mustContain(t, got, "2 things need you", "1 sign-up with a verified address", url("/admin/members?status=pending"),
			"a provisioning hook failed", url(fmt.Sprintf("/admin/subscriptions/%d", subs[0].ID)))
		mustNotContain(t, got, "overdue")
		got = body(helper) // in French, the default language
		mustContain(t, got, "2 choses vous attendent", "1 demande d'adhésion", "un script d'approvisionnement a échoué")
		mustNotContain(t, got, "retard")
		got = body(tres)
		mustContain(t, got, "one thing needs you", "1 invoice is overdue, €10.00 left to collect", url("/admin/invoices?overdue=1"))
		mustNotContain(t, got, "sign-up")
		// Once a day.
		if sum, _ := svc.Send(ctx, day, false); sum != "0 staff digests queued, 3 already sent today" {
			t.Fatalf("second run: %q", sum)
		}
		if n := a.outboxCount("staff_digest"); n != 3 {
			t.Fatalf("%d digests after two runs, want 3", n)
		}
	})
}
