package handlers_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"coin/config"
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
