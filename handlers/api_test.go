package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"coin/api"
	"coin/auth"
	"coin/backend"
	"coin/config"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/subscription"
)

// apiSpec is the OpenAPI document loaded by kin-openapi, with a router
// that finds each request's operation. kin-openapi reads "openapi: 3.1.0"
// (type arrays for null, JSON Schema 2020-12 keywords); the responses are
// validated with its JSON Schema 2020-12 option.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	seen   map[string]bool // "METHOD /path" of operations answered with a 2xx, validated
}

var (
	specOnce sync.Once
	spec     *apiSpec
	specErr  error
)

func loadSpec(t *testing.T) *apiSpec {
	t.Helper()
	specOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPI)
		if err != nil {
			specErr = fmt.Errorf("load: %w", err)
			return
		}
		if !doc.IsOpenAPI31OrLater() {
			specErr = fmt.Errorf("document is %s, want 3.1", doc.OpenAPI)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("validate document: %w", err)
			return
		}
		// httptest's requests go to example.com.
		doc.Servers = openapi3.Servers{{URL: "http://example.com/api/v1"}}
		r, err := legacyrouter.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("router: %w", err)
			return
		}
		spec = &apiSpec{doc: doc, router: r, seen: map[string]bool{}}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return spec
}

type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r apiResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("not JSON (%d): %v\n%s", r.Status, err, r.Body)
	}
	return v
}

// apiCall sends a request with token (none when empty) and validates the
// response against the OpenAPI document: every answer of a documented
// operation must match it, errors included.
func apiCall(t *testing.T, a *testApp, token, method, path string, body any, headers ...string) apiResponse {
	t.Helper()
	sp := loadSpec(t)
	var raw []byte
	if body != nil {
		if b, ok := body.([]byte); ok {
			raw = b
		} else {
			raw, _ = json.Marshal(body)
		}
	}
	newReq := func() *http.Request {
		req := httptest.NewRequest(method, path, bytes.NewReader(raw))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return req
	}
	res, err := a.app.Test(newReq(), 10_000)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	r := apiResponse{Status: res.StatusCode, Header: res.Header, Body: out}
	vreq := newReq()
	vreq.URL.Scheme, vreq.URL.Host = "http", "example.com" // the router matches the server's URL
	route, params, err := sp.router.FindRoute(vreq)
	if err != nil {
		// Not an operation of the document (an unknown path): still JSON.
		t.Logf("%s %s: no operation: %v", method, path, err)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s: %d with Content-Type %q", method, path, res.StatusCode, ct)
		}
		return r
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
		Header: res.Header, Options: &openapi3filter.Options{IncludeResponseStatus: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()}}}
	rin.SetBodyBytes(out)
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		t.Fatalf("%s %s: response %d does not match the OpenAPI document: %v\n%s", method, path, res.StatusCode, err, out)
	}
	if res.StatusCode < 300 {
		sp.mu.Lock()
		sp.seen[route.Method+" "+route.Path] = true
		sp.mu.Unlock()
	}
	return r
}

// apiFixture is a small ISP: one account of each role, two members with a
// subscription (configuration, addresses), an invoice with its PDF, a
// payment and a fee each.
type apiFixture struct {
	a          *testApp
	tokens     map[string]string // by role, write scope; "member" is alice's
	readTokens map[string]string
	alice, bob *store.Member
	aliceSub   int64
	bobSub     int64
	aliceInv   int64
	bobInv     int64
	alicePay   int64
	bobPay     int64
	pool       int64
	admin      *store.Member
}

var apiRoles = []string{model.RoleAdmin, model.RoleTreasurer, model.RoleSupport, model.RoleMember}

func newAPIFixture(t *testing.T, a *testApp) *apiFixture {
	t.Helper()
	ctx := context.Background()
	f := &apiFixture{a: a, tokens: map[string]string{}, readTokens: map[string]string{}}
	f.alice, f.bob = a.addMemberQuick("alice"), a.addMemberQuick("bob")
	owners := map[string]*store.Member{model.RoleMember: f.alice}
	for _, role := range []string{model.RoleAdmin, model.RoleTreasurer, model.RoleSupport} {
		m := &store.Member{Login: role + "1", Role: role, PersonType: model.NaturalPerson, FirstName: "Staff",
			LastName: role, Email: role + "@example.org", Status: model.StatusMember}
		if err := a.store.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		owners[role] = m
	}
	f.admin = owners[model.RoleAdmin]
	for role, m := range owners {
		for _, scope := range []string{store.ScopeWrite, store.ScopeRead} {
			tok, _, err := api.CreateToken(ctx, a.store, m, scope, "test", nil, &f.admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if scope == store.ScopeWrite {
				f.tokens[role] = tok
			} else {
				f.readTokens[role] = tok
			}
		}
	}
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}
	if err := a.store.CreateOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	p := &store.IPPool{Name: "VPN IPv4", Prefix: netip.MustParsePrefix("198.51.100.0/28"), SubnetLength: 32}
	if err := a.store.CreateIPPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := a.store.LinkIPPoolOffer(ctx, p.ID, o.ID, 0); err != nil {
		t.Fatal(err)
	}
	f.pool = p.ID
	for _, m := range []*store.Member{f.alice, f.bob} {
		res, errs, err := a.subs.Create(ctx, subscription.Form{MemberID: fmt.Sprint(m.ID), OfferID: fmt.Sprint(o.ID),
			StartDate: "2026-01-01", Config: backend.Values{"login": m.Login + "-vpn"}})
		if err != nil || errs.Any() {
			t.Fatalf("subscription of %s: %v %v", m.Login, errs, err)
		}
		inv := a.validatedInvoice(m, 3000)
		pay := &store.Payment{MemberID: m.ID, Method: "transfer", Date: date.MustParse("2026-02-03"), AmountCents: 1000, Label: "VIR " + m.Login}
		if _, err := a.billing.RecordPayment(ctx, pay, "test"); err != nil {
			t.Fatal(err)
		}
		a.addFee(m, date.MustParse("2026-01-01"), date.MustParse("2026-12-31"))
		if m == f.alice {
			f.aliceSub, f.aliceInv, f.alicePay = res.Subscription.ID, inv.ID, pay.ID
		} else {
			f.bobSub, f.bobInv, f.bobPay = res.Subscription.ID, inv.ID, pay.ID
		}
	}
	return f
}

// want gives the expected status of a request for each role's token:
// admin, treasurer, support, member (alice).
type want [4]int

func TestAPIRolesAndScopes(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		f := newAPIFixture(t, a)
		year := 2030 // each recorded fee gets its own year: fees may not overlap
		feeBody := func() any {
			year++
			return map[string]any{"amount_cents": 1500, "start_date": fmt.Sprintf("%d-01-01", year),
				"payment_method": "transfer", "payment_date": "2026-03-01", "reference": "API"}
		}
		payBody := func() any {
			return map[string]any{"member_id": f.alice.ID, "method": "transfer", "date": "2026-03-04",
				"amount_cents": 2500, "label": "Virement Zoé"}
		}
		const ok, created, forbidden, notFound = 200, 201, 403, 404
		cases := []struct {
			method, path string
			body         func() any
			want         want
		}{
			{"GET", "/api/v1/members", nil, want{ok, ok, ok, ok}},
			{"GET", "/api/v1/members?status=member&role=member&sort=login&limit=1&page=2&q=b", nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/members/%d", f.alice.ID), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/members/%d", f.bob.ID), nil, want{ok, ok, ok, notFound}},
			{"GET", "/api/v1/members/999999", nil, want{notFound, notFound, notFound, notFound}},
			{"GET", fmt.Sprintf("/api/v1/members/%d/fees", f.alice.ID), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/members/%d/fees", f.bob.ID), nil, want{ok, ok, ok, notFound}},
			{"POST", fmt.Sprintf("/api/v1/members/%d/fees", f.alice.ID), feeBody, want{created, created, forbidden, forbidden}},
			{"GET", "/api/v1/fees?state=up_to_date", nil, want{ok, ok, forbidden, forbidden}},
			{"GET", "/api/v1/subscriptions?state=active", nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions?member_id=%d", f.bob.ID), nil, want{ok, ok, ok, forbidden}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d", f.aliceSub), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d", f.bobSub), nil, want{ok, ok, ok, notFound}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d/configuration", f.aliceSub), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d/configuration", f.bobSub), nil, want{ok, ok, ok, notFound}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d/ip-allocations", f.aliceSub), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/subscriptions/%d/ip-allocations", f.bobSub), nil, want{ok, ok, ok, notFound}},
			{"POST", fmt.Sprintf("/api/v1/subscriptions/%d/suspend", f.aliceSub), nil, want{ok, forbidden, ok, forbidden}},
			{"POST", fmt.Sprintf("/api/v1/subscriptions/%d/resume", f.aliceSub), nil, want{ok, forbidden, ok, forbidden}},
			{"GET", fmt.Sprintf("/api/v1/ip-allocations?pool_id=%d&reserved=true", f.pool), nil, want{ok, forbidden, ok, forbidden}},
			{"GET", "/api/v1/invoices?status=open&kind=invoice&from=2020-01-01", nil, want{ok, ok, forbidden, ok}},
			{"GET", fmt.Sprintf("/api/v1/invoices?member_id=%d", f.bob.ID), nil, want{ok, ok, ok, forbidden}},
			{"GET", fmt.Sprintf("/api/v1/invoices/%d", f.aliceInv), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/invoices/%d", f.bobInv), nil, want{ok, ok, ok, notFound}},
			{"GET", fmt.Sprintf("/api/v1/invoices/%d/pdf", f.aliceInv), nil, want{ok, ok, ok, ok}},
			{"GET", fmt.Sprintf("/api/v1/invoices/%d/pdf", f.bobInv), nil, want{ok, ok, ok, notFound}},
			{"GET", "/api/v1/payments?method=transfer&to=2030-01-01", nil, want{ok, ok, forbidden, ok}},
			{"GET", fmt.Sprintf("/api/v1/payments?member_id=%d", f.bob.ID), nil, want{ok, ok, forbidden, forbidden}},
			{"GET", fmt.Sprintf("/api/v1/payments/%d", f.alicePay), nil, want{ok, ok, forbidden, ok}},
			{"GET", fmt.Sprintf("/api/v1/payments/%d", f.bobPay), nil, want{ok, ok, forbidden, notFound}},
			{"POST", "/api/v1/payments", payBody, want{created, created, forbidden, forbidden}},
		}
		for _, c := range cases {
			for i, role := range apiRoles {
				var body any
				if c.body != nil {
					body = c.body()
				}
				res := apiCall(t, a, f.tokens[role], c.method, c.path, body)
				if res.Status != c.want[i] {
					t.Errorf("%s %s as %s: %d, want %d\n%s", c.method, c.path, role, res.Status, c.want[i], res.Body)
				}
				// A read token never writes, whatever the role.
				if c.method == "POST" {
					if c.body != nil {
						body = c.body()
					}
					if res := apiCall(t, a, f.readTokens[role], c.method, c.path, body); res.Status != forbidden {
						t.Errorf("%s %s with %s's read token: %d, want 403", c.method, c.path, role, res.Status)
					}
				}
			}
		}
		// Every operation of the document was answered, and validated.
		sp := loadSpec(t)
		for path, item := range sp.doc.Paths.Map() {
			for method := range item.Operations() {
				if !sp.seen[method+" "+path] {
					t.Errorf("%s %s: never answered with a 2xx in the tests", method, path)
				}
			}
		}
	})
}

// A member's token sees that member alone, in lists too.
func TestAPIMemberTokenSeesOnlyTheirRecords(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		f := newAPIFixture(t, a)
		tok := f.tokens[model.RoleMember]
		for _, path := range []string{"/api/v1/members", "/api/v1/subscriptions", "/api/v1/invoices", "/api/v1/payments"} {
			v := apiCall(t, a, tok, "GET", path, nil).json(t)
			data := v["data"].([]any)
			if len(data) != 1 || v["total"].(float64) != 1 {
				t.Fatalf("%s: %d rows, total %v, want alice's one", path, len(data), v["total"])
			}
			row := data[0].(map[string]any)
			id := row["member_id"]
			if id == nil {
				id = row["id"]
			}
			if id.(float64) != float64(f.alice.ID) {
				t.Fatalf("%s: row of member %v, want alice (%d)", path, id, f.alice.ID)
			}
		}
		// Staff see both, a page at a time.
		v := apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/subscriptions?limit=1", nil).json(t)
		if v["total"].(float64) != 2 || len(v["data"].([]any)) != 1 || v["next_page"].(float64) != 2 {
			t.Fatalf("page 1: %v", v)
		}
		v = apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/subscriptions?limit=1&page=2", nil).json(t)
		if v["next_page"] != nil || len(v["data"].([]any)) != 1 {
			t.Fatalf("page 2: %v", v)
		}
	})
}

func TestAPIAuthentication(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		f := newAPIFixture(t, a)
		expectStatus := func(res apiResponse, status int, msg string) {
			t.Helper()
			if res.Status != status {
				t.Fatalf("status %d, want %d\n%s", res.Status, status, res.Body)
			}
			if got := res.json(t)["error"]; !strings.Contains(fmt.Sprint(got), msg) {
				t.Fatalf("error %q, want %q", got, msg)
			}
		}
		expectStatus(apiCall(t, a, "", "GET", "/api/v1/members", nil), 401, "missing bearer token")
		expectStatus(apiCall(t, a, "coin_nope", "GET", "/api/v1/members", nil), 401, "invalid token")
		expectStatus(apiCall(t, a, "", "GET", "/api/v1/members", nil, "Authorization", "Basic YWRtaW46eA=="), 401, "missing bearer token")

		// Revoked.
		tok, rec, err := api.CreateToken(ctx, a.store, f.admin, store.ScopeWrite, "to revoke", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res := apiCall(t, a, tok, "GET", "/api/v1/members", nil); res.Status != 200 {
			t.Fatalf("fresh token: %d", res.Status)
		}
		if err := a.store.RevokeAPIToken(ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
		expectStatus(apiCall(t, a, tok, "GET", "/api/v1/members", nil), 401, "token revoked")

		// Expired.
		exp := time.Now().Add(time.Hour)
		tok, _, err = api.CreateToken(ctx, a.store, f.admin, store.ScopeRead, "short", &exp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res := apiCall(t, a, tok, "GET", "/api/v1/members", nil); res.Status != 200 {
			t.Fatalf("token before expiry: %d", res.Status)
		}
		a.store.Now = func() time.Time { return exp.Add(time.Second) }
		expectStatus(apiCall(t, a, tok, "GET", "/api/v1/members", nil), 401, "token expired")
		a.store.Now = time.Now

		// The last use is recorded.
		apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/members", nil)
		got, err := a.store.APITokenByHash(ctx, auth.HashToken(f.tokens[model.RoleAdmin]))
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("last use not recorded: %+v %v", got, err)
		}

		// A token acts with its owner's role now: demoted, refused.
		sup, err := a.store.MemberByLogin(ctx, "support1")
		if err != nil {
			t.Fatal(err)
		}
		sup.Role = model.RoleMember
		if err := a.store.UpdateMember(ctx, sup); err != nil {
			t.Fatal(err)
		}
		if res := apiCall(t, a, f.tokens[model.RoleSupport], "GET", fmt.Sprintf("/api/v1/members/%d", f.bob.ID), nil); res.Status != 404 {
			t.Fatalf("demoted support reads bob: %d", res.Status)
		}

		// Unknown API paths are JSON too, and need a token first.
		expectStatus(apiCall(t, a, "", "GET", "/api/v1/nope", nil), 401, "missing bearer token")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/nope", nil), 404, "not found")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v2/members", nil), 404, "not found")
		// Bad parameters, bodies.
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/members?limit=1000", nil), 400, "limit")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/invoices?status=lost", nil), 400, "status")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "GET", "/api/v1/ip-allocations", nil), 400, "pool_id")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments", []byte(`{"member_id":`)), 400, "malformed JSON")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments", []byte("{\"label\":\"\xff\"}")), 400, "UTF-8")
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments", []byte(`{"extra":1}`)), 400, "unknown field")
		big := []byte(`{"label":"` + strings.Repeat("x", 20<<10) + `"}`)
		expectStatus(apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments", big), 413, "too large")
		res := apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments",
			map[string]any{"member_id": f.alice.ID, "method": "barter", "date": "2026-13-01", "amount_cents": -5})
		expectStatus(res, 422, "invalid input")
		fields := res.json(t)["fields"].(map[string]any)
		for _, k := range []string{"method", "date", "amount"} {
			if fields[k] == nil || strings.Contains(fields[k].(string), "err.") {
				t.Fatalf("field %s: %v (want an English message)", k, fields)
			}
		}
		res = apiCall(t, a, f.tokens[model.RoleAdmin], "POST", "/api/v1/payments",
			map[string]any{"member_id": 999999, "method": "cash", "date": "2026-03-01", "amount_cents": 100})
		expectStatus(res, 422, "invalid input")
		// An overlapping fee is refused with its reason.
		res = apiCall(t, a, f.tokens[model.RoleAdmin], "POST", fmt.Sprintf("/api/v1/members/%d/fees", f.alice.ID),
			map[string]any{"amount_cents": 1500, "start_date": "2026-06-01", "payment_method": "cash", "payment_date": "2026-06-01"})
		expectStatus(res, 422, "invalid input")
	})
}

// Cookies do not authenticate the API, and CSRF does not apply to it: a
// signed-in admin's browser gets 401, a token needs no CSRF token.
func TestAPIIgnoresCookiesAndCSRF(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("boss", model.RoleAdmin, "boss-password")
		f := newAPIFixture(t, a)
		b := a.browser()
		b.login("boss", "boss-password")
		if res := b.get("/admin/members"); res.Status != 200 {
			t.Fatalf("the session works on the web: %d", res.Status)
		}
		res := b.get("/api/v1/members")
		if res.Status != 401 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
			res.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("cookie-only GET: %d %v\n%s", res.Status, res.Header, res.Body)
		}
		res = b.post("/api/v1/payments", url.Values{"member_id": {fmt.Sprint(f.alice.ID)}, "method": {"cash"},
			"date": {"2026-03-01"}, "amount": {"10"}}, "X-CSRF-Token", b.csrf)
		if res.Status != 401 {
			t.Fatalf("cookie-only POST with the CSRF token: %d\n%s", res.Status, res.Body)
		}
		if n := count(t, a, `SELECT COUNT(*) FROM payments`); n != 2 {
			t.Fatalf("payments: %d, want the fixture's 2", n)
		}
		// No CSRF token, no cookie: the bearer token is enough.
		r := apiCall(t, a, f.tokens[model.RoleTreasurer], "POST", "/api/v1/payments",
			map[string]any{"member_id": f.alice.ID, "method": "cash", "date": "2026-03-01", "amount_cents": 1000})
		if r.Status != 201 {
			t.Fatalf("token POST: %d\n%s", r.Status, r.Body)
		}
		if strings.Contains(r.Header.Get("Set-Cookie"), "csrf") || strings.Contains(r.Header.Get("Set-Cookie"), "session") {
			t.Fatalf("the API set a cookie: %s", r.Header.Get("Set-Cookie"))
		}
		// The payment went through billing: allocated to alice's invoice,
		// with its accounting log entry.
		pay := r.json(t)
		if pay["allocated_cents"].(float64) != 1000 || pay["currency"] != "EUR" {
			t.Fatalf("payment: %v", pay)
		}
		if n := count(t, a, fmt.Sprintf(`SELECT COUNT(*) FROM accounting_log WHERE payment_id = %v AND operation = 'payment.created'`, pay["id"])); n != 1 {
			t.Fatalf("log entries of the payment: %d", n)
		}
	})
}

func TestAPIServesItsOpenAPIDocument(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		res := a.browser().get("/api/v1/openapi.json")
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%d %s", res.Status, res.Header.Get("Content-Type"))
		}
		doc, err := openapi3.NewLoader().LoadFromData([]byte(res.Body))
		if err != nil || doc.OpenAPI != "3.1.0" {
			t.Fatalf("served document: %v %v", err, doc)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func count(t *testing.T, a *testApp, q string) int {
	t.Helper()
	var n int
	if err := a.store.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The back office's page: admins create a token (shown once), see its last
// use and revoke it; other staff are refused.
func TestAPITokensPage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("boss", model.RoleAdmin, "boss-password")
		a.addMember("tres", model.RoleTreasurer, "tres-password")
		alice := a.addMemberQuick("alice")
		tb := a.browser()
		tb.login("tres", "tres-password")
		if res := tb.get("/admin/api-tokens"); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer: %d", res.Status)
		}
		b := a.browser()
		b.lang = "fr"
		b.login("boss", "boss-password")
		res := b.get("/admin/api-tokens")
		mustContain(t, res.Body, "Jetons d&#39;API", "Aucun jeton")
		res = b.post("/admin/api-tokens", url.Values{"login": {"nobody"}, "scope": {"read"}, "expires": {"2001-01-01"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d", res.Status)
		}
		mustContain(t, res.Body, "Aucun compte n&#39;a cet identifiant", "Indiquez une date postérieure")
		res = b.post("/admin/api-tokens", url.Values{"login": {"alice"}, "scope": {"read"}, "name": {"Zoé's script"}})
		if res.Status != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %v", res.Status, res.Header)
		}
		m := regexp.MustCompile(`<code>(coin_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no token shown:\n%s", res.Body)
		}
		tok := m[1]
		if r := apiCall(t, a, tok, "GET", fmt.Sprintf("/api/v1/members/%d", alice.ID), nil); r.Status != 200 {
			t.Fatalf("the new token: %d", r.Status)
		}
		res = b.get("/admin/api-tokens")
		mustContain(t, res.Body, "alice", "Zoé&#39;s script", "en service")
		mustNotContain(t, res.Body, tok)
		var id int64
		if err := a.store.DB().QueryRow(`SELECT id FROM api_tokens`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.store.APITokenByID(context.Background(), id); got.LastUsedAt == nil {
			t.Fatal("last use not recorded")
		}
		if res := b.post(fmt.Sprintf("/admin/api-tokens/%d/revoke", id), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.Status)
		}
		mustContain(t, b.get("/admin/api-tokens").Body, "révoqué")
		if r := apiCall(t, a, tok, "GET", "/api/v1/members", nil); r.Status != 401 {
			t.Fatalf("revoked token: %d", r.Status)
		}
	})
}

// Below a base path, the API and its document's server move with it.
func TestAPIBelowBasePath(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.BasePath = "/coin/" }, func(t *testing.T, a *testApp) {
		m := a.addMemberQuick("alice")
		tok, _, err := api.CreateToken(context.Background(), a.store, m, store.ScopeRead, "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/coin/api/v1/members", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := a.app.Test(req, 10_000)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("members below the base path: %v %v", res.StatusCode, err)
		}
		doc := a.browser().get("/coin/api/v1/openapi.json")
		mustContain(t, doc.Body, `"servers":[{"url":"/coin/api/v1"}]`, `"openapi":"3.1.0"`)
	})
}
