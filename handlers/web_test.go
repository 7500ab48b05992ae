package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"coin/accountinglog"
	"coin/model"

	"github.com/gofiber/fiber/v2"

	"coin/account"
	"coin/accounting"
	"coin/assets"
	"coin/auth"
	"coin/backend"
	"coin/bank"
	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/handlers"
	"coin/i18n"
	"coin/ipam"
	"coin/ispdb"
	"coin/jobs"
	"coin/mail"
	"coin/metrics"
	"coin/overrides"
	"coin/provision"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

// testApp is the web interface over a fresh database.
type testApp struct {
	t       *testing.T
	app     *fiber.App
	store   *store.Store
	cfg     *config.Config
	subs    *subscription.Service
	billing *billing.Service
	isp     *ispdb.Service
	fees    *fees.Service
	ipam    *ipam.Allocator
	jobs    *jobs.Scheduler
	// beforeCharge, when set, is called by the charge-subscriptions job
	// before it charges (a test holds a run open with it).
	beforeCharge func(ctx context.Context)
	logs         *syncBuffer // what the application logged
	metrics      *metrics.Metrics
	// metricsAuth, when set, is the app's MetricsAuthorizer.
	metricsAuth func(c *fiber.Ctx) bool
}

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func newTestApp(t *testing.T, s *store.Store, tweak func(*config.Config)) *testApp {
	t.Helper()
	cfg := config.Default()
	cfg.Server.SecretKey = strings.Repeat("k", 32)
	cfg.Server.PublicURL = "http://coin.test"
	cfg.Members.RegistrationOpen = true
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	as, err := assets.Load()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	reg := overrides.New(cfg.Server.OverridesDir, log)
	schema, err := ispdb.NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	isp := ispdb.NewService(s, schema, cfg.Location(), func(h string) string { return cfg.AbsoluteURL("/isp/logo/" + h) }, log)
	composer := &mail.Composer{Templates: reg, From: "coin@isp.test",
		Identity: func() ispdb.Identity { return isp.Identity(context.Background()) }}
	site := func(ctx context.Context) mail.Site {
		return mail.SiteOf(isp.Identity(ctx), cfg.AbsoluteURL("/"))
	}
	acc := &account.Service{Store: s, Cfg: &cfg, Mail: composer, Site: site, Log: log}
	alloc, err := ipam.New(s, &cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	subs := &subscription.Service{Store: s, Cfg: &cfg, Backends: backend.NewRegistry(),
		Hooks: &provision.Runner{Store: s, Services: &cfg.Services, Log: log}, Log: log, Allocator: alloc}
	s.SetHooks(store.Hooks{Logged: (&accountinglog.File{Path: cfg.Billing.AccountingLog, Currency: cfg.Billing.Currency, Log: log}).Write})
	bill := &billing.Service{Store: s, Cfg: &cfg, Catalog: catalog, Templates: reg, Mail: composer, Log: log,
		Identity: isp.Identity}
	fs := &fees.Service{Store: s, Cfg: &cfg, Mail: composer, Catalog: catalog, Site: site, Log: log}
	ta := &testApp{t: t, store: s, cfg: &cfg, isp: isp, subs: subs, billing: bill, fees: fs, ipam: alloc, logs: logs}
	sched, err := jobs.New(s, cfg.Location(), log, jobs.Job{Name: "call-for-membership-fees",
		Run: func(ctx context.Context, day date.Date, dry bool) (string, error) {
			res, err := fs.CallForFees(ctx, day, dry)
			return res.Summary(), err
		}}, jobs.Job{Name: "charge-subscriptions", // as cli registers it
		Run: func(ctx context.Context, day date.Date, dry bool) (string, error) {
			if ta.beforeCharge != nil {
				ta.beforeCharge(ctx)
			}
			sum, err := bill.Charge(ctx, day, dry, func(done, total int) { jobs.Progress(ctx, done, total) })
			return sum.String(), err
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sched.Stop() })
	// Every test runs with the metrics on, as serve does.
	ta.metrics = metrics.New(s, func() date.Date { return date.Today(cfg.Location()) }, log)
	sched.Observe, subs.Hooks.Observe = ta.metrics.ObserveJob, ta.metrics.ObserveHook
	sepaSvc := &sepa.Service{Store: s, Cfg: &cfg, Log: log, Mail: composer, Catalog: catalog, Site: site, Billing: bill}
	bankSvc := &bank.Service{Store: s, Cfg: &cfg, Billing: bill, Fees: fs, SEPA: sepaSvc, Log: log}
	app := handlers.New(handlers.Deps{Cfg: &cfg, Store: s, Catalog: catalog, Assets: as, Accounts: acc,
		Templates: reg, Mail: composer, Subs: subs, Billing: bill, ISP: isp, Fees: fs, Jobs: sched, IPAM: alloc, Log: log,
		Bank: bankSvc, SEPA: sepaSvc,
		Books: &accounting.Service{Store: s, Cfg: &cfg}, Metrics: ta.metrics,
		MetricsAuthorizer: func(c *fiber.Ctx) bool { return ta.metricsAuth != nil && ta.metricsAuth(c) }})
	ta.app, ta.jobs = app, sched
	return ta
}

// setIdentity gives the ISP record a name and a bank account.
func (a *testApp) setIdentity() {
	a.t.Helper()
	r := &store.ISP{Name: "FAI Test", Email: "bureau@isp.test", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
	if err := a.isp.Save(context.Background(), r); err != nil {
		a.t.Fatal(err)
	}
}

// addMember creates an account with a password.
func (a *testApp) addMember(login, role, password string) *store.Member {
	a.t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		a.t.Fatal(err)
	}
	m := &store.Member{Login: login, PasswordHash: hash, Role: role, PersonType: model.NaturalPerson,
		FirstName: strings.ToUpper(login[:1]) + login[1:], LastName: "Test", Email: login + "@example.org",
		Status: model.StatusMember, SendFeeReminders: true}
	if err := a.store.CreateMember(context.Background(), m); err != nil {
		a.t.Fatal(err)
	}
	return m
}

// browser is a cookie-keeping client of the test app.
type browser struct {
	a       *testApp
	cookies map[string]string
	csrf    string
	lang    string
}

func (a *testApp) browser() *browser { return &browser{a: a, cookies: map[string]string{}, lang: "en"} }

type response struct {
	Status int
	Header http.Header
	Body   string
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) response {
	b.a.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.a.app.Test(req, 10_000)
	if err != nil {
		b.a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (b *browser) get(path string, headers ...string) response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// post submits a form with the CSRF token of the last page seen.
func (b *browser) post(path string, form url.Values, headers ...string) response {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && b.csrf != "" {
		form.Set("_csrf", b.csrf)
	}
	return b.postRaw(path, form, headers...)
}

// postRaw submits a form as is (no token added).
func (b *browser) postRaw(path string, form url.Values, headers ...string) response {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// login signs in through the form and fails the test if it does not work.
func (b *browser) login(login, password string) {
	b.a.t.Helper()
	b.get(b.a.cfg.URL("/login"))
	res := b.post(b.a.cfg.URL("/login"), url.Values{"login": {login}, "password": {password}})
	if res.Status != http.StatusSeeOther {
		b.a.t.Fatalf("login %s: status %d\n%s", login, res.Status, res.Body)
	}
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("page does not contain %q:\n%s", w, body)
		}
	}
}

func mustNotContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if strings.Contains(body, w) {
			t.Fatalf("page contains %q:\n%s", w, body)
		}
	}
}

// eachApp runs fn against a test app on every database.
func eachApp(t *testing.T, tweak func(*config.Config), fn func(t *testing.T, a *testApp)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newTestApp(t, s, tweak)) })
}

// addMemberQuick creates a member without a password (no hashing cost).
func (a *testApp) addMemberQuick(login string) *store.Member {
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Zoé",
		LastName: login, Email: login + "@example.org", Status: model.StatusMember}
	if err := a.store.CreateMember(context.Background(), m); err != nil {
		a.t.Fatal(err)
	}
	return m
}
