package ldapsync_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"coin/backend"
	"coin/config"
	"coin/date"
	"coin/ipam"
	"coin/ldapsync"
	"coin/ldapsync/ldaptest"
	"coin/model"
	"coin/provision"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

const (
	suffix  = ldaptest.Suffix
	rootDN  = ldaptest.RootDN
	rootPW  = ldaptest.RootPW
	vpnBase = "ou=vpn," + suffix
	dslBase = "ou=dsl," + suffix
)

var (
	add   = ldaptest.Add
	entry = ldaptest.Entry
)

// seedTree makes the tree an ISP has before coin: its OUs, an entry made by
// hand and one coin made for a subscription that no longer exists.
func seedTree(t testing.TB, c *ldap.Conn) {
	add(t, c, suffix, map[string][]string{"objectClass": {"dcObject", "organization"}, "dc": {"example"}, "o": {"Example"}})
	add(t, c, vpnBase, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"vpn"}})
	add(t, c, dslBase, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"dsl"}})
	add(t, c, "uid=handmade,"+vpnBase, map[string][]string{"objectClass": {"account", "simpleSecurityObject"},
		"uid": {"handmade"}, "userPassword": {"x"}, "description": {"the router's own account"}})
	add(t, c, "uid=gone,"+vpnBase, map[string][]string{"objectClass": {"account", "simpleSecurityObject", "coinService"},
		"uid": {"gone"}, "userPassword": {"x"}, "description": {"coin subscription 99999"}, "coinStatus": {"active"}})
}

type env struct {
	st   *store.Store
	srv  *ldaptest.Server
	adm  *ldap.Conn
	svc  *subscription.Service
	sync *ldapsync.Syncer
	log  *bytes.Buffer
	vpn  *store.Offer
	dsl  *store.Offer
	mem  *store.Member
}

func newEnv(t *testing.T, st *store.Store, tweak ...func(*config.LDAP)) *env {
	return newEnvTB(t, st, tweak...)
}

func newEnvTB(t testing.TB, st *store.Store, tweak ...func(*config.LDAP)) *env {
	ctx := context.Background()
	srv := ldaptest.Start(t)
	adm := srv.Admin()
	seedTree(t, adm)
	cfg := config.Default()
	cfg.LDAP.URL, cfg.LDAP.BindDN, cfg.LDAP.BindPassword = srv.URL, rootDN, rootPW
	cfg.LDAP.VPNBaseDN, cfg.LDAP.DSLBaseDN = vpnBase, dslBase
	cfg.LDAP.Timeout = 2 * time.Second
	for _, f := range tweak {
		f(&cfg.LDAP)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	sy := ldapsync.New(st, &cfg.LDAP, log)
	svc := &subscription.Service{Store: st, Cfg: &cfg, Backends: backend.NewRegistry(), Log: log, LDAP: sy,
		Hooks: &provision.Runner{Store: st, Services: &cfg.Services, Log: log}}
	m := &store.Member{Login: "alice", Role: model.RoleMember, PersonType: model.NaturalPerson,
		FirstName: "Alice", LastName: "Test", Email: "alice@example.org", Status: model.StatusMember}
	if err := st.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, srv: srv, adm: adm, svc: svc, sync: sy, log: &buf, mem: m}
	for _, o := range []**store.Offer{&e.vpn, &e.dsl} {
		b := "vpn"
		if o == &e.dsl {
			b = "dsl"
		}
		*o = &store.Offer{Name: b, Reference: strings.ToUpper(b), Backend: b, BillingPeriodMonths: 1, Open: true}
		if err := st.CreateOffer(ctx, *o); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) create(t *testing.T, o *store.Offer, values backend.Values) *subscription.Result {
	t.Helper()
	res, errs, err := e.svc.Create(context.Background(), subscription.Form{MemberID: strconv.FormatInt(e.mem.ID, 10),
		OfferID: strconv.FormatInt(o.ID, 10), StartDate: "2026-01-01", Config: values})
	if err != nil || errs.Any() {
		t.Fatalf("create: %v %v", err, errs)
	}
	return res
}

func (e *env) row(t *testing.T, id int64) *store.SubscriptionRow {
	t.Helper()
	row, err := e.st.SubscriptionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return row
}

func attr(t *testing.T, c *ldap.Conn, dn, name string) string {
	t.Helper()
	en := entry(t, c, dn)
	if en == nil {
		t.Fatalf("%s is not in LDAP", dn)
	}
	return strings.Join(en.GetAttributeValues(name), ",")
}

func TestSubscriptionLifeReachesLDAP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		dn := "uid=alice-vpn," + vpnBase

		// Create: the entry, its addresses, a password that binds.
		res := e.create(t, e.vpn, backend.Values{"login": "alice-vpn", "ipv4_endpoint": "192.0.2.10",
			"ipv6_endpoint": "2001:db8:10::/56"})
		id := res.Subscription.ID
		if got := attr(t, e.adm, dn, "coinStatus"); got != "active" {
			t.Fatalf("status %q", got)
		}
		if attr(t, e.adm, dn, "coinIPv4") != "192.0.2.10" || attr(t, e.adm, dn, "coinIPv6") != "2001:db8:10::/56" {
			t.Fatalf("addresses: %v", entry(t, e.adm, dn))
		}
		if !e.srv.CanBind(dn, res.Password) || e.srv.CanBind(dn, "wrong") {
			t.Fatal("the generated password does not authenticate (or any does)")
		}
		cfg, _ := st.ConfigurationOf(ctx, id)
		if !strings.HasPrefix(cfg.LDAPPassword, "{SSHA}") || strings.Contains(cfg.LDAPPassword+cfg.SecretHash, res.Password) {
			t.Fatalf("stored forms: %q %q", cfg.LDAPPassword, cfg.SecretHash)
		}
		if s, _ := st.LDAPSyncOf(ctx, id); s == nil || s.Pending || s.LastError != "" || s.DN != dn {
			t.Fatalf("sync state after create: %+v", s)
		}

		// Password change: the new one binds, the old one no longer.
		res2, err := e.svc.RegeneratePassword(ctx, e.row(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if !e.srv.CanBind(dn, res2.Password) || e.srv.CanBind(dn, res.Password) {
			t.Fatal("password change did not reach LDAP")
		}

		// Suspend, resume.
		if _, err := e.svc.SetSuspended(ctx, e.row(t, id), true); err != nil {
			t.Fatal(err)
		}
		if got := attr(t, e.adm, dn, "coinStatus"); got != "suspended" {
			t.Fatalf("suspended: %q", got)
		}
		if _, err := e.svc.SetSuspended(ctx, e.row(t, id), false); err != nil {
			t.Fatal(err)
		}
		if got := attr(t, e.adm, dn, "coinStatus"); got != "active" {
			t.Fatalf("resumed: %q", got)
		}

		// Resign today: deprovisioned, the entry is disabled, not deleted.
		today := date.Today(e.svc.Cfg.Location()).String()
		if _, errs, err := e.svc.Update(ctx, id, subscription.Form{StartDate: "2026-01-01", ResignDate: today}); err != nil || errs.Any() {
			t.Fatalf("resign: %v %v", err, errs)
		}
		if got := attr(t, e.adm, dn, "coinStatus"); got != "disabled" {
			t.Fatalf("resigned: %q", got)
		}
		// Never touched: the hand-made entry.
		if got := attr(t, e.adm, "uid=handmade,"+vpnBase, "description"); got != "the router's own account" {
			t.Fatalf("hand-made entry changed: %q", got)
		}
	})
}

func TestLDAPDownRetriesAndCatchesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		res := e.create(t, e.dsl, backend.Values{"login": "bob-dsl", "line_number": "0102030405"})
		id := res.Subscription.ID
		dn := "uid=bob-dsl," + dslBase
		if attr(t, e.adm, dn, "coinStatus") != "active" {
			t.Fatal("not created")
		}

		e.srv.Stop()
		if _, err := e.svc.SetSuspended(ctx, e.row(t, id), true); err != nil {
			t.Fatalf("a down LDAP must not fail the change: %v", err)
		}
		if !e.row(t, id).Suspended {
			t.Fatal("the suspension is not in coin")
		}
		s, _ := st.LDAPSyncOf(ctx, id)
		if s == nil || !s.Pending || s.Failures != 1 || s.LastError == "" || s.NextAttemptAt == nil ||
			!s.NextAttemptAt.After(time.Now()) {
			t.Fatalf("failure not recorded for a retry: %+v", s)
		}
		// Not due yet: the job writes nothing.
		if sum, err := e.sync.RunDue(ctx, false); err != nil || sum != "" {
			t.Fatalf("before the delay: %q %v", sum, err)
		}
		// Due, still down: one more failure, a longer delay.
		later := time.Now().Add(90 * time.Second)
		st.Now = func() time.Time { return later }
		if _, err := e.sync.RunDue(ctx, false); err == nil {
			t.Fatal("a failed retry must say so")
		}
		s2, _ := st.LDAPSyncOf(ctx, id)
		if s2.Failures != 2 || !s2.NextAttemptAt.After(*s.NextAttemptAt) {
			t.Fatalf("second failure: %+v", s2)
		}

		e.srv.Restart()
		e.adm = e.srv.Admin()
		st.Now = func() time.Time { return later.Add(time.Hour) }
		sum, err := e.sync.RunDue(ctx, false)
		if err != nil || !strings.HasPrefix(sum, "1 LDAP entries written") {
			t.Fatalf("retry once back: %q %v", sum, err)
		}
		if got := attr(t, e.adm, dn, "coinStatus"); got != "suspended" {
			t.Fatalf("after the retry: %q", got)
		}
		if s3, _ := st.LDAPSyncOf(ctx, id); s3.Pending || s3.Failures != 0 || s3.LastError != "" {
			t.Fatalf("state after success: %+v", s3)
		}
	})
}

func TestReconcileWholeTree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.create(t, e.vpn, backend.Values{"login": "carol", "ipv4_endpoint": "192.0.2.20"})
		e.create(t, e.dsl, backend.Values{"login": "dave", "line_number": "1"})
		// Drift: carol's address was changed by hand, dave's entry deleted.
		mod := ldap.NewModifyRequest("uid=carol,"+vpnBase, nil)
		mod.Replace("coinIPv4", []string{"198.51.100.1"})
		if err := e.adm.Modify(mod); err != nil {
			t.Fatal(err)
		}
		if err := e.adm.Del(ldap.NewDelRequest("uid=dave,"+dslBase, nil)); err != nil {
			t.Fatal(err)
		}

		rep, err := e.sync.Reconcile(ctx, true)
		if err != nil || rep.Created != 1 || rep.Updated != 1 || rep.Disabled != 1 || len(rep.Failed) != 0 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		if entry(t, e.adm, "uid=dave,"+dslBase) != nil || attr(t, e.adm, "uid=gone,"+vpnBase, "coinStatus") != "active" {
			t.Fatal("the dry run wrote")
		}

		rep, err = e.sync.Reconcile(ctx, false)
		if err != nil || rep.String() != "1 created, 1 updated, 0 unchanged, 1 disabled, 0 failed" {
			t.Fatalf("reconcile: %s %v", rep, err)
		}
		if attr(t, e.adm, "uid=carol,"+vpnBase, "coinIPv4") != "192.0.2.20" ||
			attr(t, e.adm, "uid=dave,"+dslBase, "coinStatus") != "active" ||
			attr(t, e.adm, "uid=gone,"+vpnBase, "coinStatus") != "disabled" {
			t.Fatal("tree not reconciled")
		}
		if got := attr(t, e.adm, "uid=handmade,"+vpnBase, "description"); got != "the router's own account" {
			t.Fatalf("hand-made entry changed: %q", got)
		}
		// A login taken by a hand-made entry is refused, never overwritten.
		c := e.create(t, e.vpn, backend.Values{"login": "handmade"})
		s, _ := st.LDAPSyncOf(ctx, c.Subscription.ID)
		if s == nil || !s.Pending || !strings.Contains(s.LastError, "did not create") {
			t.Fatalf("clash with a foreign entry: %+v", s)
		}
		if attr(t, e.adm, "uid=handmade,"+vpnBase, "userPassword") != "x" {
			t.Fatal("foreign entry overwritten")
		}

		rep, err = e.sync.Reconcile(ctx, false)
		if err != nil || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 3 || len(rep.Failed) != 1 {
			t.Fatalf("second reconcile: %+v %v", rep, err)
		}
	})
}

func TestCryptAndArgon2PasswordsAuthenticate(t *testing.T) {
	for scheme, prefix := range map[string]string{"crypt": "{CRYPT}$6$", "argon2": "{ARGON2}$argon2id$"} {
		t.Run(scheme, func(t *testing.T) {
			if scheme == "argon2" && !ldaptest.HasArgon2() {
				t.Skip("slapd has no argon2 module")
			}
			st := storetest.SQLite(t)
			e := newEnv(t, st, func(l *config.LDAP) { l.PasswordScheme = scheme })
			res := e.create(t, e.vpn, backend.Values{"login": "erin"})
			dn := "uid=erin," + vpnBase
			cfg, _ := st.ConfigurationOf(context.Background(), res.Subscription.ID)
			if !strings.HasPrefix(cfg.LDAPPassword, prefix) {
				t.Fatalf("stored: %q", cfg.LDAPPassword)
			}
			if !e.srv.CanBind(dn, res.Password) || e.srv.CanBind(dn, res.Password+"x") {
				t.Fatalf("slapd does not accept the %s password (or accepts a wrong one)", scheme)
			}
		})
	}
}

func TestStartTLSWithTheServersCA(t *testing.T) {
	st := storetest.SQLite(t)
	srv := ldaptest.StartTLS(t)
	adm := srv.Admin()
	seedTree(t, adm)
	cfg := config.Default()
	cfg.LDAP.URL, cfg.LDAP.BindDN, cfg.LDAP.BindPassword = srv.URL, rootDN, rootPW
	cfg.LDAP.VPNBaseDN, cfg.LDAP.StartTLS = vpnBase, true
	sy := ldapsync.New(st, &cfg.LDAP, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Without the CA the certificate is refused: nothing is sent in clear.
	if _, err := sy.Reconcile(context.Background(), true); err == nil || !strings.Contains(err.Error(), "StartTLS") {
		t.Fatalf("untrusted certificate: %v", err)
	}
	cfg.LDAP.CAFile = srv.CAFile
	rep, err := sy.Reconcile(context.Background(), true)
	if err != nil || rep.Disabled != 1 {
		t.Fatalf("over StartTLS: %+v %v", rep, err)
	}
}

func TestSubnetsStaffGiveByHandReachLDAP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		alloc, err := ipam.New(st, e.svc.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		alloc.LDAP = e.sync
		pool := &store.IPPool{}
		if errs, err := alloc.SavePool(ctx, pool, ipam.PoolForm{Name: "v6", CIDR: "2001:db8::/32", SubnetLength: "56"}); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		res := e.create(t, e.vpn, backend.Values{"login": "frank"})
		dn := "uid=frank," + vpnBase
		if got := attr(t, e.adm, dn, "coinIPv6"); got != "" {
			t.Fatalf("before: %q", got)
		}
		staff := &store.Member{Login: "admin"}
		al, errs, err := alloc.AllocateByHand(ctx, pool.ID, ipam.HandForm{Subscription: strconv.FormatInt(res.Subscription.ID, 10),
			Subnet: "2001:db8:ff00::/56"}, staff)
		if err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if got := attr(t, e.adm, dn, "coinIPv6"); got != "2001:db8:ff00::/56" {
			t.Fatalf("after a hand allocation: %q", got)
		}
		if err := alloc.ReleaseByStaff(ctx, al, staff); err != nil {
			t.Fatal(err)
		}
		if got := attr(t, e.adm, dn, "coinIPv6"); got != "" {
			t.Fatalf("after the release: %q", got)
		}
	})
}

func TestLoginChangeRenamesAndFreedLoginIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		res := e.create(t, e.vpn, backend.Values{"login": "gina"})
		id := res.Subscription.ID
		_, errs, err := e.svc.UpdateConfig(ctx, e.row(t, id), backend.Values{"login": "gina2", "comment": "renamed"}, false)
		if err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if entry(t, e.adm, "uid=gina,"+vpnBase) != nil || attr(t, e.adm, "uid=gina2,"+vpnBase, "description") != "coin subscription "+strconv.FormatInt(id, 10) {
			t.Fatal("the entry was not renamed with the login")
		}
		if !e.srv.CanBind("uid=gina2,"+vpnBase, res.Password) {
			t.Fatal("the renamed entry lost its password")
		}
		// "gone" was coin's entry for a subscription that no longer exists:
		// its login is free, the new subscription takes the entry over.
		h := e.create(t, e.vpn, backend.Values{"login": "gone"})
		dn := "uid=gone," + vpnBase
		if attr(t, e.adm, dn, "description") != "coin subscription "+strconv.FormatInt(h.Subscription.ID, 10) ||
			attr(t, e.adm, dn, "coinStatus") != "active" || !e.srv.CanBind(dn, h.Password) {
			t.Fatalf("not taken over: %v", entry(t, e.adm, dn))
		}
		rep, err := e.sync.Reconcile(ctx, false)
		if err != nil || rep.Disabled != 0 || rep.Unchanged != 2 {
			t.Fatalf("reconcile after the takeover: %s %v", rep, err)
		}
	})
}
