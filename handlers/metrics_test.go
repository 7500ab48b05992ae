package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"coin/api"
	"coin/config"
	"coin/jobs"
	modelc "coin/model"
	"coin/store"
)

// scrape reads /metrics and parses it as Prometheus does; it fails the
// test on anything but a 200 in the text format.
func scrape(t *testing.T, b *browser, headers ...string) map[string]*dto.MetricFamily {
	t.Helper()
	res := b.get(b.a.cfg.URL("/metrics"), headers...)
	if res.Status != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("scrape does not parse: %v\n%s", err, res.Body)
	}
	return fams
}

// value is the value of the series of name whose labels include want
// (counter, gauge, or a histogram's count); -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if labels[want[i]] != want[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// Off by default, /metrics answers 401 to a visitor, a member, and a token
// no authorizer accepts; it answers a signed-in admin and whatever the
// MetricsAuthorizer accepts. Public, it answers anyone.
func TestMetricsAccess(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", modelc.RoleAdmin, "admin-password")
		a.addMember("treasurer", modelc.RoleTreasurer, "treasurer-password")
		anon := a.browser()
		refused := func(who string, b *browser, headers ...string) {
			t.Helper()
			res := b.get("/metrics", headers...)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("%s: status %d", who, res.Status)
			}
			if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("%s: WWW-Authenticate %q", who, res.Header.Get("WWW-Authenticate"))
			}
			mustNotContain(t, res.Body, "coin_", "go_goroutines")
			if res.Header.Get("Set-Cookie") != "" {
				t.Fatalf("%s: a cookie set: %q", who, res.Header.Get("Set-Cookie"))
			}
		}
		refused("visitor", anon)
		refused("unknown token, no authorizer", anon, "Authorization", "Bearer nope")
		treasurer := a.browser()
		treasurer.login("treasurer", "treasurer-password")
		refused("treasurer", treasurer)

		admin := a.browser()
		admin.login("admin", "admin-password")
		if fams := scrape(t, admin); value(fams, "coin_metrics_store_up") != 1 {
			t.Fatal("admin's scrape without the store's figures")
		}

		// What serve wires: an admin's API token, not a treasurer's, nor a
		// revoked one.
		a.metricsAuth = func(c *fiber.Ctx) bool { return api.AdminToken(c, a.store) }
		ctx := context.Background()
		adminM, _ := a.store.MemberByLogin(ctx, "admin")
		treasurerM, _ := a.store.MemberByLogin(ctx, "treasurer")
		good, tok, err := api.CreateToken(ctx, a.store, adminM, store.ScopeRead, "prometheus", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		weak, _, err := api.CreateToken(ctx, a.store, treasurerM, store.ScopeRead, "prometheus", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		scrape(t, anon, "Authorization", "Bearer "+good)
		refused("treasurer's token", anon, "Authorization", "Bearer "+weak)
		refused("made-up token", anon, "Authorization", "Bearer coin_bad")
		if err := a.store.RevokeAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		refused("revoked admin token", anon, "Authorization", "Bearer "+good)

		a.cfg.Metrics.Public = true
		scrape(t, anon)
	})
}

// After some requests, jobs and hooks, the scrape holds their counts, the
// database's figures and the runtime's; request labels are route patterns,
// never paths (no token, no id).
func TestMetricsContent(t *testing.T) {
	tweak := func(c *config.Config) {
		c.Metrics.Public = true
		c.Services.Hooks.VPS.Provision = []string{hookScript(t, "fail.sh")}
	}
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		a.addMember("admin", modelc.RoleAdmin, "admin-password")
		alice := a.addMember("alice", modelc.RoleMember, "alice-password")
		pending := a.addMemberQuick("pending")
		pending.Status = modelc.StatusPending
		if err := a.store.UpdateMember(t.Context(), pending); err != nil {
			t.Fatal(err)
		}
		o := addOffer(t, a, "VPS", "vps", true)
		b := a.browser()
		const secret = "s3cr3t-reset-token-in-the-path"
		b.get("/password-reset/" + secret)
		b.get("/nowhere/at/all")
		b.login("admin", "admin-password")
		b.get(fmt.Sprintf("/admin/members/%d", alice.ID))
		b.get("/nowhere/at/all")
		b.get("/admin/members/999999")
		// A subscription whose provisioning hook fails (exit 3).
		b.get("/admin/subscriptions/new")
		res := b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
			"offer_id": {fmt.Sprint(o.ID)}, "start_date": {"2026-11-01"}, "cfg_hostname": {"web.example.org"}, "cfg_os": {"debian"}})
		if res.Status != http.StatusOK {
			t.Fatalf("create subscription: %d", res.Status)
		}
		// One job that works, one that fails.
		if _, err := a.jobs.Run(t.Context(), "call-for-membership-fees", jobs.Options{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		a.beforeCharge = func(context.Context) { panic("boom") }
		if _, err := a.jobs.Run(t.Context(), "charge-subscriptions", jobs.Options{DryRun: true}); err == nil {
			t.Fatal("a panicking job did not fail")
		}

		fams := scrape(t, a.browser())
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"coin_http_requests_total", []string{"route", "/password-reset/:token", "status", "404"}, 1},
			{"coin_http_requests_total", []string{"route", "/admin/members/:id<int>", "status", "200"}, 1},
			{"coin_http_requests_total", []string{"route", "/admin/members/:id<int>", "status", "404"}, 1},
			{"coin_http_requests_total", []string{"route", "/login", "method", "POST", "status", "303"}, 1},
			{"coin_http_request_duration_seconds", []string{"route", "/login", "method", "GET"}, 1},
			{"coin_job_runs_total", []string{"job", "call-for-membership-fees"}, 1},
			{"coin_job_failures_total", []string{"job", "call-for-membership-fees"}, 0},
			{"coin_job_runs_total", []string{"job", "charge-subscriptions"}, 1},
			{"coin_job_failures_total", []string{"job", "charge-subscriptions"}, 1},
			{"coin_job_duration_seconds", []string{"job", "charge-subscriptions"}, 1},
			{"coin_hook_runs_total", []string{"backend", "vps", "action", "provision"}, 1},
			{"coin_hook_failures_total", []string{"backend", "vps", "action", "provision"}, 1},
			{"coin_members", []string{"status", "member"}, 2},
			{"coin_members", []string{"status", "pending"}, 1},
			{"coin_subscriptions", []string{"state", "active"}, 1},
			{"coin_outbox_messages", []string{"status", "failed"}, 0},
			{"coin_open_invoices", nil, 0},
			{"coin_overdue_amount_cents", nil, 0},
			{"coin_metrics_store_up", nil, 1},
		} {
			if got := value(fams, c.name, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
		if v := value(fams, "coin_http_requests_total", "route", "unmatched", "status", "404"); v != 1 {
			t.Errorf("unmatched request counted %v times", v)
		}
		if v := value(fams, "coin_http_requests_total", "route", "/*", "status", "303"); v != 1 {
			t.Errorf("visitor sent to sign in counted %v times", v)
		}
		if t.Failed() {
			t.Log(b.get("/metrics").Body)
		}
		for _, name := range []string{"coin_database_size_bytes", "go_goroutines", "process_resident_memory_bytes",
			"go_sql_max_open_connections"} {
			if value(fams, name) <= 0 {
				t.Errorf("%s missing or 0", name)
			}
		}
		// Route labels are patterns: no token, no id, no raw path.
		for _, m := range fams["coin_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "route" {
					continue
				}
				v := l.GetValue()
				if strings.Contains(v, secret) || strings.Contains(v, "999999") || strings.Contains(v, "nowhere") ||
					strings.Contains(v, fmt.Sprintf("/%d", alice.ID)) {
					t.Errorf("route label %q holds a path", v)
				}
			}
		}
	})
}
