package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"coin/config"
	"coin/date"
	"coin/store"
)

// hookScript returns the absolute path of a provisioning test script.
func hookScript(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("..", "provision", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func addOffer(t *testing.T, a *testApp, ref, backend string, open bool) *store.Offer {
	t.Helper()
	o := &store.Offer{Name: "Offer " + ref, Reference: ref, Backend: backend, BillingPeriodMonths: 1,
		PeriodFeeCents: 500, Open: open}
	if err := a.store.CreateOffer(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

var passwordRE = regexp.MustCompile(`<p class="secret">([^<]+)</p>`)

func TestAdminCreatesOfferWithValidation(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		a.addMember("helper", "support", "helper-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/offers/new")
		res := b.post("/admin/offers/new", url.Values{"name": {"VPN"}, "reference": {"VPN 1"}, "backend": {"vpn"},
			"period_fee": {"-5"}, "setup_fee": {"abc"}, "billing_period_months": {"0"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid offer: %d", res.Status)
		}
		mustContain(t, res.Body, "A reference has no spaces or slashes.", "The amount cannot be negative.",
			"Enter an amount such as 12.50.", "between 0 and 120")
		res = b.post("/admin/offers/new", url.Values{"name": {"VPN"}, "reference": {"VPN"}, "backend": {"vpn"},
			"period_fee": {"5,50"}, "setup_fee": {""}, "billing_period_months": {"1"}, "open": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create offer: %d\n%s", res.Status, res.Body)
		}
		o, err := a.store.OfferByReference(t.Context(), "VPN")
		if err != nil || o.PeriodFeeCents != 550 || !o.Open {
			t.Fatalf("offer: %+v %v", o, err)
		}
		list := b.get("/admin/offers")
		mustContain(t, list.Body, "€5.50", "every month")
		// Support sees offers but cannot edit them.
		s := a.browser()
		s.login("helper", "helper-password")
		if res := s.get("/admin/offers"); res.Status != http.StatusOK {
			t.Fatalf("support lists offers: %d", res.Status)
		}
		if res := s.get("/admin/offers/new"); res.Status != http.StatusForbidden {
			t.Fatalf("support opens the offer form: %d", res.Status)
		}
	})
}

func TestSupportSubscribesMemberAndHookRuns(t *testing.T) {
	out := ""
	tweak := func(c *config.Config) {
		out = t.TempDir()
		c.Services.Hooks.VPN.Provision = []string{hookScript(t, "record.sh"), out, "{login}", "{member_login}"}
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		a.addMember("bob", "member", "bob-password")
		o := addOffer(t, a, "VPN", "vpn", true)
		b := a.browser()
		b.login("helper", "helper-password")
		// Member search: the htmx fragment lists matching members.
		opts := b.get("/admin/subscriptions/member-options?member_q=ali", "HX-Request", "true")
		mustContain(t, opts.Body, fmt.Sprintf(`value="%d"`, alice.ID), "alice@example.org")
		mustNotContain(t, opts.Body, "bob@example.org")
		fields := b.get(fmt.Sprintf("/admin/subscriptions/config-fields?offer_id=%d", o.ID), "HX-Request", "true")
		mustContain(t, fields.Body, `name="cfg_login"`, `name="cfg_ipv4_endpoint"`)

		b.get("/admin/subscriptions/new")
		form := url.Values{"member_id": {fmt.Sprint(alice.ID)}, "offer_id": {fmt.Sprint(o.ID)},
			"start_date": {"2026-11-01"}, "commitment_months": {"12"}, "cfg_login": {"Alice-VPN"},
			"cfg_ipv4_endpoint": {"198.51.100.9"}}
		res := b.post("/admin/subscriptions/new", form)
		if res.Status != http.StatusOK {
			t.Fatalf("create subscription: %d\n%s", res.Status, res.Body)
		}
		pw := passwordRE.FindStringSubmatch(res.Body)
		if pw == nil || len(pw[1]) != 16 {
			t.Fatalf("password not shown once:\n%s", res.Body)
		}
		mustContain(t, res.Body, "VPN-1", "The Provision hook ran successfully.", "alice-vpn", "198.51.100.9")
		args, _ := os.ReadFile(filepath.Join(out, "args"))
		if string(args) != "alice-vpn\nalice\n" {
			t.Fatalf("hook arguments %q", args)
		}
		stdin, _ := os.ReadFile(filepath.Join(out, "stdin"))
		var doc map[string]any
		json.Unmarshal(stdin, &doc)
		if doc["password"] != pw[1] {
			t.Fatalf("hook did not get the new password: %s", stdin)
		}
		// The password is not shown again, and not stored in clear.
		page := b.get("/admin/subscriptions/1")
		mustNotContain(t, page.Body, pw[1])
		mustContain(t, page.Body, "set (kept as a hash)")
		cfg, _ := a.store.ConfigurationOf(t.Context(), 1)
		if strings.Contains(cfg.SecretHash, pw[1]) || !strings.HasPrefix(cfg.SecretHash, "$argon2id$") {
			t.Fatalf("secret stored as %q", cfg.SecretHash)
		}
		// The same login twice is refused inline.
		b.get("/admin/subscriptions/new")
		res = b.post("/admin/subscriptions/new", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate login: %d", res.Status)
		}
		mustContain(t, res.Body, "This login is already taken.")
	})
}

func TestFailingHookKeepsTheChangeAndCanBeRetried(t *testing.T) {
	tweak := func(c *config.Config) {
		c.Services.Hooks.VPS.Provision = []string{hookScript(t, "fail.sh")}
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		o := addOffer(t, a, "VPS", "vps", true)
		b := a.browser()
		b.login("helper", "helper-password")
		b.get("/admin/subscriptions/new")
		res := b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"offer_id": {fmt.Sprint(o.ID)}, "start_date": {"2026-11-01"}, "cfg_hostname": {"web.example.org"}, "cfg_os": {"debian"}})
		if res.Status != http.StatusOK {
			t.Fatalf("create: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "hook failed: the change is saved", "exit 3", "radius: no such user")
		if _, err := a.store.SubscriptionByID(t.Context(), 1); err != nil {
			t.Fatalf("subscription lost after failing hook: %v", err)
		}
		res = b.post("/admin/subscriptions/1/runs/1/retry", nil)
		mustContain(t, res.Body, "hook failed")
		runs, _ := a.store.HookRuns(t.Context(), 1, 10)
		if len(runs) != 2 {
			t.Fatalf("retry not recorded: %d runs", len(runs))
		}
	})
}

func TestDisabledBackendCannotBeSubscribed(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Services.Enabled = []string{"vpn"} }, func(t *testing.T, a *testApp) {
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		o := addOffer(t, a, "DSL", "dsl", true)
		closed := addOffer(t, a, "OLD", "vpn", false)
		b := a.browser()
		b.login("helper", "helper-password")
		page := b.get("/admin/subscriptions/new")
		mustContain(t, page.Body, "Backend not enabled in the configuration", "Closed to new subscriptions")
		for _, id := range []int64{o.ID, closed.ID} {
			res := b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
				"offer_id": {fmt.Sprint(id)}, "start_date": {"2026-11-01"}, "cfg_login": {"x"}, "cfg_line_number": {"1"}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("offer %d subscribed: %d", id, res.Status)
			}
		}
		if n, _ := a.store.CountActiveSubscriptions(t.Context(), date.MustParse("2026-12-01")); n != 0 {
			t.Fatalf("%d subscriptions created", n)
		}
	})
}

func TestMemberSeesOnlyOwnSubscriptions(t *testing.T) {
	out := ""
	tweak := func(c *config.Config) {
		out = t.TempDir()
		c.Services.Hooks.VPN.Provision = []string{hookScript(t, "record.sh"), out, "{login}"}
		c.Services.Hooks.VPS.State = []string{hookScript(t, "state.sh")}
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		vpn := addOffer(t, a, "VPN", "vpn", true)
		vps := addOffer(t, a, "VPS", "vps", true)
		ctx := t.Context()
		mk := func(m *store.Member, o *store.Offer, data map[string]string) *store.Subscription {
			s := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-01-01")}
			if err := a.store.CreateSubscription(ctx, s); err != nil {
				t.Fatal(err)
			}
			c := &store.Configuration{SubscriptionID: s.ID, Backend: o.Backend, Login: data["login"], Data: data, SecretHash: "x"}
			if err := a.store.SaveConfiguration(ctx, c); err != nil {
				t.Fatal(err)
			}
			return s
		}
		mine := mk(alice, vpn, map[string]string{"login": "alice-vpn", "ipv4_endpoint": "198.51.100.1/32"})
		mk(alice, vps, map[string]string{"hostname": "alice.example.org", "os": "debian"})
		theirs := mk(bob, vpn, map[string]string{"login": "bob-vpn", "ipv4_endpoint": "198.51.100.2/32"})
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/subscriptions")
		mustContain(t, page.Body, "VPN-1", "alice-vpn", "198.51.100.1", "alice.example.org", "running")
		mustNotContain(t, page.Body, "bob-vpn", "198.51.100.2")
		for _, p := range []string{fmt.Sprintf("/subscriptions/%d/config", theirs.ID)} {
			if res := b.get(p); res.Status != http.StatusNotFound {
				t.Fatalf("GET %s: %d, want 404", p, res.Status)
			}
		}
		for _, p := range []string{fmt.Sprintf("/subscriptions/%d/password", theirs.ID), fmt.Sprintf("/subscriptions/%d/config", theirs.ID)} {
			if res := b.post(p, url.Values{"cfg_comment": {"hacked"}}); res.Status != http.StatusNotFound {
				t.Fatalf("POST %s: %d, want 404", p, res.Status)
			}
		}
		if res := b.get(fmt.Sprintf("/admin/subscriptions/%d", theirs.ID)); res.Status != http.StatusForbidden {
			t.Fatalf("member on admin subscription page: %d", res.Status)
		}
		// Alice regenerates her own VPN password: shown once, passed to the hook.
		res := b.post(fmt.Sprintf("/subscriptions/%d/password", mine.ID), nil)
		pw := passwordRE.FindStringSubmatch(res.Body)
		if res.Status != http.StatusOK || pw == nil {
			t.Fatalf("regenerate: %d\n%s", res.Status, res.Body)
		}
		stdin, _ := os.ReadFile(filepath.Join(out, "stdin"))
		if !strings.Contains(string(stdin), pw[1]) {
			t.Fatal("the hook did not receive the regenerated password")
		}
		// She may edit her comment but not her login or addresses.
		b.get(fmt.Sprintf("/subscriptions/%d/config", mine.ID))
		b.post(fmt.Sprintf("/subscriptions/%d/config", mine.ID), url.Values{"cfg_comment": {"home router"},
			"cfg_login": {"stolen"}, "cfg_ipv4_endpoint": {"198.51.100.200"}})
		c, _ := a.store.ConfigurationOf(ctx, mine.ID)
		if c.Data["comment"] != "home router" || c.Login != "alice-vpn" || c.Data["ipv4_endpoint"] != "198.51.100.1/32" {
			t.Fatalf("member edit: %+v", c)
		}
		// Bob's is untouched.
		if c, _ := a.store.ConfigurationOf(ctx, theirs.ID); c.Data["comment"] != "" {
			t.Fatal("another member's configuration changed")
		}
	})
}

func TestResignDeprovisionsOnTheDay(t *testing.T) {
	tweak := func(c *config.Config) {
		c.Services.Hooks.SimpleDSL.Deprovision = []string{hookScript(t, "state.sh")}
		c.Services.Hooks.SimpleDSL.Provision = []string{hookScript(t, "state.sh")}
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		o := addOffer(t, a, "MB", "simple_dsl", true)
		b := a.browser()
		b.login("helper", "helper-password")
		b.get("/admin/subscriptions/new")
		b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "offer_id": {fmt.Sprint(o.ID)},
			"start_date": {"2026-01-01"}, "cfg_line_number": {"0472000000"}})
		future := date.Today(a.cfg.Location()).AddDays(10)
		b.get("/admin/subscriptions/1/edit")
		b.post("/admin/subscriptions/1/edit", url.Values{"start_date": {"2026-01-01"}, "resign_date": {future.String()}})
		deprovisions := func(id int64) int {
			runs, _ := a.store.HookRuns(t.Context(), id, 10)
			n := 0
			for _, r := range runs {
				if r.Action == "deprovision" {
					n++
				}
			}
			return n
		}
		if n := deprovisions(1); n != 0 {
			t.Fatalf("deprovisioned before the resign date: %d runs", n)
		}
		svc := a.subs
		if sum, _ := svc.DeprovisionDue(t.Context(), future.AddDays(-1)); !strings.HasPrefix(sum, "0 ") {
			t.Fatalf("day before: %s", sum)
		}
		if sum, _ := svc.DeprovisionDue(t.Context(), future); !strings.HasPrefix(sum, "1 ") {
			t.Fatalf("on the day: %s", sum)
		}
		if sum, _ := svc.DeprovisionDue(t.Context(), future.AddDays(5)); !strings.HasPrefix(sum, "0 ") {
			t.Fatalf("deprovisioned twice: %s", sum)
		}
		if n := deprovisions(1); n != 1 {
			t.Fatalf("%d deprovision runs", n)
		}
		// Resigning with today's date runs the hook at once.
		b.get("/admin/subscriptions/new")
		b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)}, "offer_id": {fmt.Sprint(o.ID)},
			"start_date": {"2026-01-01"}, "cfg_line_number": {"0472000001"}})
		b.get("/admin/subscriptions/2/edit")
		res := b.post("/admin/subscriptions/2/edit", url.Values{"start_date": {"2026-01-01"},
			"resign_date": {date.Today(a.cfg.Location()).String()}})
		mustContain(t, res.Body, "The Deprovision hook ran successfully.")
		// Withdrawing the resignation sets the service up again.
		res = b.post("/admin/subscriptions/2/edit", url.Values{"start_date": {"2026-01-01"}, "resign_date": {""}})
		mustContain(t, res.Body, "The Provision hook ran successfully.")
		if runs, _ := a.store.HookRuns(t.Context(), 2, 10); len(runs) == 0 || runs[0].Action != "provision" {
			t.Fatalf("runs after the withdrawal: %+v", runs)
		}
	})
}

func TestSubscriptionRoles(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("tres", "treasurer", "tres-password")
		a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("tres", "tres-password")
		if res := b.get("/admin/subscriptions"); res.Status != http.StatusOK {
			t.Fatalf("treasurer lists subscriptions: %d", res.Status)
		}
		if res := b.get("/admin/subscriptions/new"); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer opens the subscription form: %d", res.Status)
		}
		m := a.browser()
		m.login("alice", "alice-password")
		if res := m.get("/admin/subscriptions"); res.Status != http.StatusForbidden {
			t.Fatalf("member lists subscriptions: %d", res.Status)
		}
	})
}

func TestDashboardCountsMatchStore(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		alice := a.addMember("alice", "member", "alice-password")
		o := addOffer(t, a, "VPN", "vpn", true)
		today := date.Today(a.cfg.Location())
		for i, start := range []date.Date{today.AddMonths(-2), today.AddMonths(-1), today.AddDays(3)} {
			s := &store.Subscription{MemberID: alice.ID, OfferID: o.ID, StartDate: start}
			if i == 0 {
				s.ResignDate = today
			}
			a.store.CreateSubscription(t.Context(), s)
		}
		counts, _ := a.store.CountSubscriptionsByOffer(t.Context(), today)
		if len(counts) != 1 || counts[0].Count != 1 {
			t.Fatalf("counts: %+v", counts)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get("/admin/")
		mustContain(t, page.Body, `<tr><td>VPN</td><td class="wrap">Offer VPN</td><td class="right">1</td></tr>`)
	})
}

// A state hook answers page views: its output is shown in the reader's
// language on every view, and none of those runs lands in the hook runs
// list, which keeps the runs that changed something.
func TestStateIsShownNotRecorded(t *testing.T) {
	tweak := func(c *config.Config) {
		c.Services.Hooks.VPS.State = []string{hookScript(t, "state.sh")}
		c.Services.StateCache = 0
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("helper", "support", "helper-password")
		alice := a.addMember("alice", "member", "alice-password")
		vps := addOffer(t, a, "VPS", "vps", true)
		s := &store.Subscription{MemberID: alice.ID, OfferID: vps.ID, StartDate: date.MustParse("2026-01-01")}
		if err := a.store.CreateSubscription(t.Context(), s); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.lang = "fr"
		b.login("helper", "helper-password")
		for range 3 {
			page := b.get(fmt.Sprintf("/admin/subscriptions/%d", s.ID))
			mustContain(t, page.Body, "en marche", "Temps de fonctionnement : 3 days")
			mustNotContain(t, page.Body, "uptime")
		}
		if runs, _ := a.store.HookRuns(t.Context(), s.ID, 10); len(runs) != 0 {
			t.Fatalf("%d hook runs listed after three views, want none", len(runs))
		}
		var n int
		if err := a.store.DB().QueryRowContext(t.Context(), a.sql(`SELECT count(*) FROM hook_runs WHERE action = 'state'`)).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d state runs recorded (%v), want none", n, err)
		}
	})
}
