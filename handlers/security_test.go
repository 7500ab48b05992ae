package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"coin/config"
	"coin/member"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// listen serves the test app on a real listener of 127.0.0.1 and returns
// its base URL: parallel requests then race as they would in production.
func (a *testApp) listen() string {
	a.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.t.Fatal(err)
	}
	go func() { _ = a.app.Listener(ln) }()
	a.t.Cleanup(func() { _ = a.app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// client is a browser talking to a listener: its own cookies, the CSRF
// token of the last page it saw.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	mu   sync.Mutex // csrf, for parallel requests of one client
	csrf string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) send(req *http.Request) (int, http.Header, string) {
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return 0, nil, ""
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		c.mu.Lock()
		c.csrf = m[1]
		c.mu.Unlock()
	}
	return res.StatusCode, res.Header, string(body)
}

func (c *client) get(path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	status, _, body := c.send(req)
	return status, body
}

// post sends a form with the client's CSRF token (unless form has one) and
// the extra headers given as name, value pairs.
func (c *client) post(path string, form url.Values, headers ...string) (int, http.Header, string) {
	if form.Get("_csrf") == "" {
		c.mu.Lock()
		form.Set("_csrf", c.csrf)
		c.mu.Unlock()
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req)
}

func (c *client) login(login, password string) {
	c.t.Helper()
	c.get("/login")
	if status, _, body := c.post("/login", url.Values{"login": {login}, "password": {password}}); status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d\n%.300s", login, status, body)
	}
}

// parallel runs n calls of fn at once and counts the statuses they return.
func parallel(n int, fn func(i int) int) map[int]int {
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			status := fn(i)
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}(i)
	}
	close(start)
	wg.Wait()
	return counts
}

func behindProxy(c *config.Config) { c.Server.TrustedProxies = []string{"127.0.0.1"} }

// Forty wrong passwords sent at once for one login: only the first five
// recorded reach the password check, the others are throttled. The owner,
// from another address, still gets in.
func TestParallelGuessesStopAtTheLimit(t *testing.T) {
	eachApp(t, behindProxy, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		base := a.listen()
		guesser := newClient(t, base)
		guesser.get("/login")
		counts := parallel(40, func(int) int {
			status, _, _ := guesser.post("/login", url.Values{"login": {"alice"}, "password": {"wrong guess"}},
				"X-Forwarded-For", "198.51.100.7")
			return status
		})
		if counts[http.StatusUnauthorized] > 5 || counts[http.StatusTooManyRequests] < 35 {
			t.Fatalf("40 parallel guesses: %v, want at most 5 × 401 and the rest 429", counts)
		}
		status, _, _ := guesser.post("/login", url.Values{"login": {"alice"}, "password": {"correct horse"}},
			"X-Forwarded-For", "198.51.100.7")
		if status != http.StatusTooManyRequests {
			t.Fatalf("right password from the guesser's address: %d, want 429", status)
		}
		owner := newClient(t, base)
		owner.get("/login")
		status, _, body := owner.post("/login", url.Values{"login": {"alice"}, "password": {"correct horse"}},
			"X-Forwarded-For", "203.0.113.20")
		if status != http.StatusSeeOther {
			t.Fatalf("owner from another address: %d, want 303 (locked out by the guesser)\n%.300s", status, body)
		}
	})
}

// Behind a trusted proxy the address is the right-most hop the proxy
// wrote: a client prepending addresses of its choice still hits the limit
// of its own address.
func TestSpoofedForwardedForStillThrottled(t *testing.T) {
	eachApp(t, behindProxy, func(t *testing.T, a *testApp) {
		base := a.listen()
		c := newClient(t, base)
		c.get("/login")
		var last int
		for i := 0; i < 22; i++ {
			last, _, _ = c.post("/login", url.Values{"login": {fmt.Sprintf("nobody%d", i)}, "password": {"x"}},
				"X-Forwarded-For", fmt.Sprintf("10.9.%d.%d, 198.51.100.8", i, i))
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("22nd failure from one address behind spoofed hops: %d, want 429", last)
		}
		// Another client, behind the same proxy, is not affected.
		other := newClient(t, base)
		other.get("/login")
		if status, _, _ := other.post("/login", url.Values{"login": {"nobody"}, "password": {"x"}},
			"X-Forwarded-For", "198.51.100.9"); status != http.StatusUnauthorized {
			t.Fatalf("a different client: %d, want 401", status)
		}
	})
}

// peakRSS reads the process's peak resident size (VmHWM) in bytes, after
// resetting it when reset is true.
func peakRSS(t *testing.T, reset bool) int64 {
	t.Helper()
	if reset {
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			t.Skipf("cannot reset the peak RSS: %v", err)
		}
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// A hundred sign-ins at once from a hundred addresses: the argon2id
// computations (19 MiB each) run a few at a time, so the process grows by
// tens of MiB, not by 1.9 GiB; the requests that wait too long are told to
// come back (503 with Retry-After), none fails.
func TestParallelLoginsBoundMemory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.SQLite {
			t.Skip("the bound is the same on both databases")
		}
		a := newTestApp(t, s, behindProxy)
		base := a.listen()
		c := newClient(t, base)
		c.get("/login")
		before := peakRSS(t, true)
		var retryAfter sync.Once
		sawRetry := true
		counts := parallel(100, func(i int) int {
			status, h, _ := c.post("/login", url.Values{"login": {fmt.Sprintf("user%d", i)}, "password": {"guess"}},
				"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			if status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
				retryAfter.Do(func() { sawRetry = false })
			}
			return status
		})
		grew := peakRSS(t, false) - before
		t.Logf("100 parallel sign-ins: %v, peak RSS grew by %d MiB", counts, grew>>20)
		if counts[http.StatusUnauthorized]+counts[http.StatusServiceUnavailable] != 100 {
			t.Fatalf("answers %v, want only 401 and 503", counts)
		}
		if !sawRetry {
			t.Fatal("a 503 without Retry-After")
		}
		// Unbounded, 100 × 19 MiB are held at once.
		if grew > 600<<20 {
			t.Fatalf("peak RSS grew by %d MiB under 100 parallel sign-ins", grew>>20)
		}
	})
}

// rawPost sends a body of n bytes to path and returns the status, or 0
// when the server closed the connection before answering (also a refusal).
func rawPost(t *testing.T, base, path string, n int, cookies ...*http.Cookie) int {
	// The body is made as it is sent, so that only the server's memory is measured.
	req, _ := http.NewRequest(http.MethodPost, base+path, io.LimitReader(letters{}, int64(n)))
	req.ContentLength = int64(n)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	return res.StatusCode
}

// letters reads as an endless run of 'a'.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// Bodies over 64 KiB are refused from their length, before being read,
// except on the upload routes for staff who may use them.
func TestBodyLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newTestApp(t, s, nil)
		a.addMember("tresorier", model.RoleTreasurer, "correct horse")
		base := a.listen()
		for _, path := range []string{"/login", "/signup", "/admin/bank-imports"} {
			if status := rawPost(t, base, path, 1<<20); status != http.StatusRequestEntityTooLarge && status != 0 {
				t.Errorf("1 MiB anonymous POST %s: %d, want 413", path, status)
			}
		}
		before := peakRSS(t, true)
		counts := parallel(30, func(int) int { return rawPost(t, base, "/login", 15<<20) })
		grew := peakRSS(t, false) - before
		t.Logf("30 parallel 15 MB posts: %v, peak RSS grew by %d MiB", counts, grew>>20)
		if counts[http.StatusRequestEntityTooLarge]+counts[0] != 30 {
			t.Fatalf("30 parallel 15 MB posts: %v, want all refused", counts)
		}
		if grew > 200<<20 {
			t.Fatalf("peak RSS grew by %d MiB: the bodies were read", grew>>20)
		}
		staff := newClient(t, base)
		staff.login("tresorier", "correct horse")
		u, _ := url.Parse(base)
		status := rawPost(t, base, "/admin/bank-imports", 200<<10, staff.http.Jar.Cookies(u)...)
		if status == http.StatusRequestEntityTooLarge || status == 0 {
			t.Fatalf("200 KiB statement from the treasurer: %d, want it read", status)
		}
	})
}

// An over-long login is refused before anything is stored or hashed.
func TestOverLongLoginStoresNothing(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		b.get("/login")
		res := b.post("/login", url.Values{"login": {strings.Repeat("x", 60<<10)}, "password": {"x"}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("60 KiB login: %d, want 401", res.Status)
		}
		var n int
		if err := a.store.DB().QueryRow(`SELECT COUNT(*) FROM login_attempts`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("login_attempts after an over-long login: %d rows (%v), want none", n, err)
		}
	})
}

// A CSRF cookie planted by someone else (cookie tossing) gives them no
// token that works in the victim's session.
func TestCSRFTokenBoundToSession(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		attacker := a.browser()
		attacker.get("/login")
		planted, token := attacker.cookies["coin_csrf"], attacker.csrf
		victim := a.browser()
		victim.login("alice", "correct horse")
		victim.cookies["coin_csrf"] = planted
		res := victim.post("/language", url.Values{"_csrf": {token}, "lang": {"fr"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("forged request with a planted cookie and its token: %d, want 403", res.Status)
		}
		victim.get("/profile")
		if res := victim.post("/language", url.Values{"lang": {"fr"}}); res.Status == http.StatusForbidden {
			t.Fatalf("the victim's own form: 403")
		}
	})
}

// Over TLS the cookies carry the __Host- prefix, which no other host can set.
func TestCookiesHostPrefixedOverTLS(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.PublicURL = "https://coin.test" }, func(t *testing.T, a *testApp) {
		res := a.browser().get("/login")
		got := strings.Join(res.Header.Values("Set-Cookie"), "\n")
		if !strings.Contains(got, "__Host-coin_csrf=") || !strings.Contains(strings.ToLower(got), "secure") {
			t.Fatalf("Set-Cookie over TLS:\n%s", got)
		}
	})
}

// Changing one's password closes the account's other sessions; the browser
// that changed it stays signed in.
func TestPasswordChangeClosesOtherSessions(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		here, there := a.browser(), a.browser()
		here.login("alice", "correct horse")
		there.login("alice", "correct horse")
		here.get("/password")
		res := here.post("/password", url.Values{"current": {"correct horse"}, "password": {"battery staple"},
			"confirm": {"battery staple"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%.300s", res.Status, res.Body)
		}
		if res := there.get("/profile"); res.Status != http.StatusSeeOther {
			t.Fatalf("the other session after a password change: %d, want a redirect to sign in", res.Status)
		}
		if res := here.get("/profile"); res.Status != http.StatusOK {
			t.Fatalf("the session that changed it: %d, want 200", res.Status)
		}
	})
}

var resetLinkRE = regexp.MustCompile(`/password-reset/([A-Za-z0-9_-]{20,})`)

// resetLinks returns the reset tokens e-mailed to the member, oldest first.
func (a *testApp) resetLinks(m *store.Member) []string {
	a.t.Helper()
	q := `SELECT text_body FROM outbox WHERE member_id = ? AND kind = 'password_reset' ORDER BY id`
	rows, err := a.store.DB().Query(a.sql(q), m.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			a.t.Fatal(err)
		}
		if l := resetLinkRE.FindStringSubmatch(body); l != nil {
			out = append(out, l[1])
		}
	}
	return out
}

// Only the newest reset link works, once; a new address revokes the links
// sent to the old one; the request log never holds a link.
func TestResetLinksOnePerAccount(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		m := a.addMember("alice", model.RoleMember, "correct horse")
		b := a.browser()
		for i := 0; i < 2; i++ {
			b.get("/password-reset")
			b.post("/password-reset", url.Values{"who": {"alice"}})
		}
		links := a.resetLinks(m)
		if len(links) != 2 {
			t.Fatalf("%d reset links sent, want 2", len(links))
		}
		if res := b.get("/password-reset/" + links[0]); res.Status != http.StatusNotFound {
			t.Fatalf("the older link after a newer one was sent: %d, want 404", res.Status)
		}
		b.get("/password-reset/" + links[1])
		if res := b.post("/password-reset/"+links[1], url.Values{"password": {"battery staple"}, "confirm": {"battery staple"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("use the newest link: %d", res.Status)
		}
		if res := b.get("/password-reset/" + links[1]); res.Status != http.StatusNotFound {
			t.Fatalf("a used link: %d, want 404", res.Status)
		}
		for _, l := range links {
			if strings.Contains(a.logs.String(), l) {
				t.Fatal("a reset link is in the request log")
			}
		}
		b.get("/password-reset")
		b.post("/password-reset", url.Values{"who": {"alice"}})
		links = a.resetLinks(m)
		f := member.FromMember(m)
		f.Email = "alice@new.example"
		svc := &member.Service{Store: a.store, Fees: a.fees, Log: slog.New(slog.DiscardHandler)}
		if errs, err := svc.Update(context.Background(), m, f, member.Staff); err != nil || errs.Any() {
			t.Fatal(errs, err)
		}
		if res := b.get("/password-reset/" + links[len(links)-1]); res.Status != http.StatusNotFound {
			t.Fatalf("a link sent to the old address after the address changed: %d, want 404", res.Status)
		}
	})
}

// sql writes a test's query with one "?" in the store's dialect.
func (a *testApp) sql(q string) string {
	if a.store.Dialect() == store.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// outboxCount counts the e-mails of kind queued so far.
func (a *testApp) outboxCount(kind string) int {
	a.t.Helper()
	q := `SELECT COUNT(*) FROM outbox WHERE kind = ?`
	var n int
	if err := a.store.DB().QueryRow(a.sql(q), kind).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// 200 reset requests at once queue at most three e-mails for the account,
// and the client is told to wait after five.
func TestResetRequestsLimited(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		c := newClient(t, a.listen())
		c.get("/password-reset")
		counts := parallel(200, func(int) int {
			status, _, _ := c.post("/password-reset", url.Values{"who": {"alice@example.org"}})
			return status
		})
		if n := a.outboxCount("password_reset"); n > 3 {
			t.Fatalf("200 parallel reset requests queued %d e-mails, want at most 3", n)
		}
		if counts[http.StatusOK] > 5 || counts[http.StatusTooManyRequests] < 195 {
			t.Fatalf("200 parallel reset requests: %v, want at most 5 answered", counts)
		}
	})
}

// Sign-ups from one client are limited, the refused ones too ("login
// taken" tells whether an account exists), and one address gets at most
// three verification e-mails.
func TestSignUpsLimited(t *testing.T) {
	eachApp(t, behindProxy, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		c := newClient(t, a.listen())
		c.get("/signup")
		form := func(login, email string) url.Values {
			return url.Values{"login": {login}, "person_type": {"natural"}, "first_name": {"Eve"}, "last_name": {"Test"},
				"email": {email}, "password": {"correct horse"}, "confirm": {"correct horse"}}
		}
		var last int
		for i := 0; i < 6; i++ {
			last, _, _ = c.post("/signup", form("alice", "eve@example.org"), "X-Forwarded-For", "198.51.100.50")
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("6th probe of a login from one client: %d, want 429", last)
		}
		for i := 0; i < 5; i++ {
			c.post("/signup", form(fmt.Sprintf("eve%d", i), "victim@example.org"), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", 60+i))
		}
		if n := a.outboxCount("verify_email"); n != 3 {
			t.Fatalf("5 sign-ups to one address from 5 clients sent %d verification e-mails, want 3", n)
		}
	})
}

// A session ends after auth.SessionMaxAge however active it is.
func TestSessionAbsoluteAge(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("alice", model.RoleMember, "correct horse")
		b := a.browser()
		b.login("alice", "correct horse")
		old := time.Now().Add(-31 * 24 * time.Hour)
		q := `UPDATE sessions SET created_at = ?`
		if _, err := a.store.DB().Exec(a.sql(q), old.UTC()); err != nil {
			t.Fatal(err)
		}
		if res := b.get("/profile"); res.Status != http.StatusSeeOther {
			t.Fatalf("a 31-day-old session: %d, want a redirect to sign in", res.Status)
		}
	})
}

// Support answers a member about their invoices, from that member's page,
// and does not reach the treasurer's lists, bank data or exports.
func TestSupportSeesAMembersBillingNotTheBooks(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		m := a.addMemberQuick("zoe")
		inv := a.validatedInvoice(m, 1500)
		a.addMember("helper", model.RoleSupport, "helper-password")
		b := a.browser()
		b.login("helper", "helper-password")
		page := b.get(fmt.Sprintf("/admin/members/%d", m.ID))
		mustContain(t, page.Body, "Owes", inv.Number)
		mustNotContain(t, page.Body, "/admin/payments/new")
		if res := b.get(fmt.Sprintf("/admin/invoices/%d/pdf", inv.ID)); res.Status != http.StatusOK {
			t.Fatalf("support opens the member's invoice PDF: %d", res.Status)
		}
		for _, p := range []string{"/admin/invoices", "/admin/invoices.csv", "/admin/payments", "/admin/accounting/export", "/admin/fees"} {
			if res := b.get(p); res.Status != http.StatusForbidden {
				t.Errorf("support GET %s: %d, want 403", p, res.Status)
			}
		}
	})
}

// A member's name or a bank label that a spreadsheet would run as a
// formula reaches no CSV coin writes as a formula.
func TestCSVCellsCannotBeFormulas(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.setIdentity()
		m := a.addMemberQuick("mallory")
		m.FirstName, m.LastName = "=cmd|' /C calc'!A0", "Test"
		if err := a.store.UpdateMember(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		inv := a.validatedInvoice(m, 1500)
		p := &store.Payment{MemberID: m.ID, Method: model.PayTransfer, Date: inv.IssueDate, AmountCents: 1500,
			Label: `=HYPERLINK("http://evil.example","x")`}
		if _, err := a.billing.RecordPayment(context.Background(), p, "test"); err != nil {
			t.Fatal(err)
		}
		a.addMember("tresorier", model.RoleTreasurer, "correct horse")
		b := a.browser()
		b.login("tresorier", "correct horse")
		for _, path := range []string{"/admin/invoices.csv",
			"/admin/accounting/export?from=2027-01-01&to=2027-12-31&format=csv"} {
			res := b.get(path)
			rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
			if res.Status != http.StatusOK || err != nil || len(rows) < 2 {
				t.Fatalf("%s: %d %v\n%s", path, res.Status, err, res.Body)
			}
			for _, row := range rows {
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
						t.Fatalf("%s: a cell a spreadsheet runs: %q", path, cell)
					}
				}
			}
			mustContain(t, res.Body, "'=cmd")
		}
	})
}

// In the demo, e-mailed sign-in links show in the outbox to admins only:
// support cannot take over the admin's account from its reset link.
func TestDemoOutboxHidesLinksFromSupport(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Demo = true }, func(t *testing.T, a *testApp) {
		a.addMember("admin", model.RoleAdmin, "admin-password")
		a.addMember("helper", model.RoleSupport, "helper-password")
		anon := a.browser()
		anon.get("/password-reset")
		anon.post("/password-reset", url.Values{"who": {"admin"}})
		var id int64
		if err := a.store.DB().QueryRow(`SELECT id FROM outbox WHERE kind = 'password_reset'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		for role, shown := range map[string]bool{"helper": false, "admin": true} {
			b := a.browser()
			b.login(role, role+"-password")
			page := b.get(fmt.Sprintf("/admin/outbox/%d", id))
			if page.Status != http.StatusOK || resetLinkRE.MatchString(page.Body) != shown {
				t.Errorf("%s reads the admin's reset message: %d, link shown %v, want %v", role, page.Status, resetLinkRE.MatchString(page.Body), shown)
			}
		}
	})
}
