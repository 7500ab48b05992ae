package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"coin/date"
	"coin/store"
)

func TestSubscriptionPageShowsLDAPFailure(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("admin", "admin", "admin-password")
		m := a.addMemberQuick("alice")
		o := addOffer(t, a, "VPN", "vpn", true)
		sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
		if err := a.store.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := fmt.Sprintf("/admin/subscriptions/%d", sub.ID)
		mustNotContain(t, b.get(page).Body, "LDAP entry")

		if err := a.store.MarkLDAPPending(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		err := a.store.FinishLDAPSync(ctx, sub.ID, 1, "", errors.New("connect to ldap://ldap.isp.test: connection refused"),
			time.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, b.get(page).Body, "LDAP entry", "write failed (1 attempt)", "connection refused", "Next attempt")
		b.lang = "fr"
		mustContain(t, b.get(page).Body, "Entrée LDAP", "échec de l&#39;écriture (1 tentative)")

		if err := a.store.FinishLDAPSync(ctx, sub.ID, 1, "uid=alice,ou=vpn,dc=isp,dc=test", nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		b.lang = "en"
		body := b.get(page).Body
		mustContain(t, body, "written", "uid=alice,ou=vpn,dc=isp,dc=test")
		mustNotContain(t, body, "connection refused")
	})
}
