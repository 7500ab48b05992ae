package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coin/date"
	"coin/ldapsync/ldaptest"
	"coin/model"
	"coin/store"
)

func TestLDAPSyncCommand(t *testing.T) {
	if r := run(t, "", tempEnv(t), "ldap-sync"); r.status != 1 || !strings.Contains(r.stderr, "LDAP sync is off") {
		t.Fatalf("without [ldap]: %d %q", r.status, r.stderr)
	}
	srv := ldaptest.Start(t)
	adm := srv.Admin()
	ldaptest.Add(t, adm, ldaptest.Suffix, map[string][]string{"objectClass": {"dcObject", "organization"}, "dc": {"example"}, "o": {"X"}})
	ldaptest.Add(t, adm, "ou=vpn,"+ldaptest.Suffix, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"vpn"}})

	// A VPN subscription made before LDAP was set up.
	data := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(data, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := &store.Member{Login: "zoe", Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		Email: "zoe@example.org", Status: model.StatusMember}
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
	if st.CreateMember(ctx, m) != nil || st.CreateOffer(ctx, o) != nil {
		t.Fatal("fixture")
	}
	sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
	if err := st.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveConfiguration(ctx, &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: "zoe-vpn",
		Data: map[string]string{"login": "zoe-vpn", "ipv4_endpoint": "192.0.2.5/32"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	env := []string{"COIN_SERVER_DATA_DIR=" + data, "COIN_LDAP_URL=" + srv.URL, "COIN_LDAP_BIND_DN=" + ldaptest.RootDN,
		"COIN_LDAP_BIND_PASSWORD=" + ldaptest.RootPW, "COIN_LDAP_VPN_BASE_DN=ou=vpn," + ldaptest.Suffix,
		// No password yet: an account without one needs no simpleSecurityObject.
		"COIN_LDAP_OBJECT_CLASSES=account,coinService"}
	dn := "uid=zoe-vpn,ou=vpn," + ldaptest.Suffix
	r := run(t, "", env, "ldap-sync", "--dry-run")
	if r.status != 0 || !strings.Contains(r.stdout, "dry run, nothing written: 1 created, 0 updated") || ldaptest.Entry(t, adm, dn) != nil {
		t.Fatalf("dry run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "ldap-sync")
	if r.status != 0 || !strings.Contains(r.stdout, "1 created, 0 updated, 0 unchanged, 0 disabled, 0 failed") {
		t.Fatalf("sync: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if e := ldaptest.Entry(t, adm, dn); e == nil || e.GetAttributeValue("coinIPv4") != "192.0.2.5" {
		t.Fatalf("entry: %v", e)
	}
	if r = run(t, "", env, "ldap-sync"); r.status != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 1 unchanged") {
		t.Fatalf("second sync: %d %q", r.status, r.stdout)
	}
	if r = run(t, "", env, "check"); !strings.Contains(r.stdout, "ok   LDAP "+srv.URL) {
		t.Fatalf("check: %q", r.stdout)
	}
	srv.Stop()
	if r = run(t, "", env, "ldap-sync"); r.status != 1 || !strings.Contains(r.stderr, "connect to "+srv.URL) {
		t.Fatalf("server down: %d %q", r.status, r.stderr)
	}
	if r = run(t, "", env, "check"); r.status == 0 || !strings.Contains(r.stdout, "FAIL LDAP: connect to "+srv.URL) {
		t.Fatalf("check, server down: %d %q", r.status, r.stdout)
	}
}
