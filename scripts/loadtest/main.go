// Command loadtest measures the main pages of the real coin binary on a
// 10 000-member history, beside a bare Fiber "hello" started in the same
// run: requests/s at 50 concurrent connections, p50 and p99 at 4, the ratio
// to bare Fiber, and the SQL statements per request (X-Coin-Queries,
// counted by coin's driver wrapper). It is run by hand, not in CI:
//
//	go run ./scripts/loadtest                       # SQLite, history in data/loadtest
//	go run ./scripts/loadtest -dsn 'postgres://…'   # PostgreSQL
//
// The history is built with `coin demo --members 10000 --months 12` when
// the database has no members (minutes), and reused afterwards.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	_ "github.com/jackc/pgx/v5/stdlib" // VACUUM of a PostgreSQL history
)

const queryHeaderEnv = "COIN_SERVER_QUERY_COUNT_HEADER=true"

type options struct {
	bin      string
	data     string
	dsn      string
	members  int
	months   int
	duration time.Duration
	only     string
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "coin binary to measure (default: build this tree)")
	flag.StringVar(&o.data, "data", "data/loadtest", "data directory of the history (SQLite database, backups)")
	flag.StringVar(&o.dsn, "dsn", "", "PostgreSQL URL: measure on PostgreSQL instead of SQLite")
	flag.IntVar(&o.members, "members", 10000, "members of the generated history")
	flag.IntVar(&o.months, "months", 12, "months of the generated history")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "time of each measurement")
	flag.StringVar(&o.only, "only", "", "measure only the pages whose name contains this")
	flag.Parse()
	log.SetFlags(0)
	if err := run(o); err != nil {
		log.Fatal("loadtest: ", err)
	}
}

func run(o options) error {
	if err := os.MkdirAll(o.data, 0o750); err != nil {
		return err
	}
	if o.bin == "" {
		o.bin = filepath.Join(o.data, "coin-loadtest")
		log.Printf("building coin into %s", o.bin)
		if out, err := exec.Command("go", "build", "-o", o.bin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	env := append(os.Environ(), "COIN_SERVER_DATA_DIR="+o.data)
	if o.dsn != "" {
		env = append(env, "COIN_DATABASE_URL="+o.dsn)
	}
	// A coin older than the query counter (a baseline) refuses the key.
	if out, err := command(o.bin, append(env, queryHeaderEnv), "migrate", "status").CombinedOutput(); err == nil {
		env = append(env, queryHeaderEnv)
	} else {
		log.Printf("%s counts no queries: %s", o.bin, strings.TrimSpace(string(out)))
	}
	if err := history(o, env); err != nil {
		return err
	}
	// Migrate first (on SQLite after a backup of the whole database), so
	// that the start measured below is a start, not a migration.
	if out, err := command(o.bin, env, "migrate").CombinedOutput(); err != nil {
		return fmt.Errorf("coin migrate: %v\n%s", err, out)
	}

	if o.dsn != "" {
		// A history just loaded has no visibility map yet: PostgreSQL would
		// read the rows behind every index until autovacuum comes by.
		if err := vacuum(o.dsn); err != nil {
			return err
		}
	}

	bare, err := startBare()
	if err != nil {
		return err
	}
	srv, err := startCoin(o.bin, env)
	if err != nil {
		return err
	}
	defer srv.stop()
	idle := srv.rss()

	member, err := login(srv.base, "member")
	if err != nil {
		return err
	}
	admin, err := login(srv.base, "admin")
	if err != nil {
		return err
	}
	pdf, err := memberPDF(srv.base, member)
	if err != nil {
		return err
	}
	anon := newClient(nil)
	pages := []page{
		{"login page", anon, srv.base + "/login"},
		{"member home", member, srv.base + "/"},
		{"member invoices", member, srv.base + "/invoices"},
		{"member PDF", member, srv.base + pdf},
		{"admin dashboard", admin, srv.base + "/admin/"},
		{"member search Hélène", admin, srv.base + "/admin/members?q=" + url.QueryEscape("Hélène")},
		{"invoices overdue", admin, srv.base + "/admin/invoices?overdue=1"},
		{"payments list", admin, srv.base + "/admin/payments"},
		{"/isp.json", anon, srv.base + "/isp.json"},
	}
	db := "SQLite"
	if o.dsn != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("coin %s on %s, %d s per figure; start to first 200: %d ms; idle RSS after start and a few requests: %.1f MB\n\n",
		filepath.Base(o.bin), db, int(o.duration.Seconds()), srv.firstOK.Milliseconds(), idle)

	bareHello := page{"bare Fiber hello", anon, bare}
	ref := measure(bareHello, o.duration)
	fmt.Printf("| %-22s | %9s | %8s | %8s | %9s | %7s |\n", "page", "req/s @50", "p50 @4", "p99 @4", "vs bare", "queries")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 24), strings.Repeat("-", 11), strings.Repeat("-", 10),
		strings.Repeat("-", 10), strings.Repeat("-", 11), strings.Repeat("-", 9))
	ref.print(ref.rps)
	for _, p := range pages {
		if o.only != "" && !strings.Contains(p.name, o.only) {
			continue
		}
		r := measure(p, o.duration)
		r.print(ref.rps)
	}
	fmt.Printf("\nRSS of serve: idle %.1f MB, peak under the load %.1f MB\n", idle, srv.peakRSS())
	return nil
}

func vacuum(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// history builds the generated history unless the database has one.
func history(o options, env []string) error {
	out, err := command(o.bin, env, "demo", "--members", strconv.Itoa(o.members), "--months", strconv.Itoa(o.months)).CombinedOutput()
	if err != nil && strings.Contains(string(out), "already has") {
		log.Printf("reusing the history in the database")
		return nil
	}
	if err != nil {
		return fmt.Errorf("coin demo: %v\n%s", err, out)
	}
	log.Printf("history built")
	return nil
}

func command(bin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	return cmd
}

type server struct {
	cmd     *exec.Cmd
	base    string
	firstOK time.Duration
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startCoin starts `coin serve` and times its start to the first 200.
func startCoin(bin string, env []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := command(bin, env, "serve", "--demo", "--no-jobs", "--addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	c := newClient(nil)
	for time.Since(start) < time.Minute {
		res, err := c.Get(s.base + "/login")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.firstOK = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("coin serve gave no 200 within a minute")
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

// rss and peakRSS read VmRSS and VmHWM of the server, in MB.
func (s *server) rss() float64     { return procStatus(s.cmd.Process.Pid, "VmRSS:") }
func (s *server) peakRSS() float64 { return procStatus(s.cmd.Process.Pid, "VmHWM:") }

func procStatus(pid int, key string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == key {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// startBare serves "hello" from a bare Fiber app in this process.
func startBare() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/hello", func(c *fiber.Ctx) error { return c.SendString("hello") })
	go app.Listener(l)
	return "http://" + l.Addr().String() + "/hello", nil
}

func newClient(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login signs in with the demo password and returns the client with the
// session cookie.
func login(base, who string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := newClient(jar)
	res, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		return nil, errors.New("no CSRF token on the login page")
	}
	res, err = c.PostForm(base+"/login", url.Values{"_csrf": {string(m[1])}, "login": {who}, "password": {"demo"}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: status %d", who, res.StatusCode)
	}
	return c, nil
}

var invoiceRE = regexp.MustCompile(`href="(/invoices/\d+)"`)

// memberPDF finds the path of one of the member's invoice PDFs.
func memberPDF(base string, c *http.Client) (string, error) {
	res, err := c.Get(base + "/invoices")
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := invoiceRE.FindSubmatch(body)
	if m == nil {
		return "", errors.New("the demo member has no invoice")
	}
	return string(m[1]) + "/pdf", nil
}

type page struct {
	name   string
	client *http.Client
	url    string
}

type result struct {
	name     string
	rps      float64
	p50, p99 time.Duration
	queries  string
	errors   int64
}

func (r result) print(bare float64) {
	errs := ""
	if r.errors > 0 {
		errs = fmt.Sprintf(" (%d errors)", r.errors)
	}
	fmt.Printf("| %-22s | %9.0f | %8s | %8s | %8.2f%% | %7s |%s\n", r.name, r.rps, ms(r.p50), ms(r.p99),
		100*r.rps/bare, r.queries, errs)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

// get fetches a page, reads its body and returns the query count header.
func get(p page) (string, error) {
	res, err := p.client.Get(p.url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: status %d", p.url, res.StatusCode)
	}
	return res.Header.Get("X-Coin-Queries"), nil
}

// measure warms the page up, then loads it with 50 connections for the
// throughput and 4 for the latencies.
func measure(p page, d time.Duration) result {
	r := result{name: p.name, queries: "-"}
	for i := 0; i < 5; i++ {
		if q, err := get(p); err == nil && q != "" {
			r.queries = q
		}
	}
	n, errs, _ := load(p, 50, d, false)
	r.rps = float64(n) / d.Seconds()
	_, errs4, lat := load(p, 4, d, true)
	r.errors = errs + errs4
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
	}
	return r
}

func load(p page, conc int, d time.Duration, keep bool) (int64, int64, []time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				t := time.Now()
				if _, err := get(p); err != nil {
					errs.Add(1)
					continue
				}
				n.Add(1)
				if keep {
					mine = append(mine, time.Since(t))
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return n.Load(), errs.Load(), lat
}
