// Package e2e drives the real `coin` binary with headless Chromium.
//
// The tests build coin, start `coin serve` on a free port over a fresh
// SQLite database, and click through pages as people do. They need
// /usr/bin/chromium (Debian's chromium package); without it they are
// skipped, unless COIN_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
// COIN_SCREENSHOTS=DIR saves a PNG of each step there.
package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	_ "github.com/mattn/go-sqlite3"
)

const chromiumPath = "/usr/bin/chromium"

var coinBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "coin-e2e")
	if err != nil {
		panic(err)
	}
	coinBin = filepath.Join(dir, "coin")
	build := exec.Command("go", "build", "-o", coinBin, "..")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build coin:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `coin serve`.
type server struct {
	URL    string // including the base path
	Origin string // scheme and host only
	Data   string
	Env    []string
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// coin runs a coin command with the server's environment.
func (s *server) coin(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(coinBin, args...)
	cmd.Env = s.Env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("coin %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// startServer runs `coin serve` with extra arguments and environment.
func startServer(t *testing.T, basePath string, args []string, env ...string) *server {
	t.Helper()
	data := t.TempDir()
	addr := freePort(t)
	s := &server{URL: "http://" + addr + basePath, Origin: "http://" + addr, Data: data}
	s.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + data,
		"COIN_SERVER_DATA_DIR=" + data, "COIN_SERVER_ADDR=" + addr,
		"COIN_SERVER_BASE_PATH=" + basePath, "COIN_SERVER_PUBLIC_URL=http://" + addr,
		"COIN_SERVER_SECRET_KEY=" + strings.Repeat("e2e-secret-", 4)}, env...)
	cmd := exec.Command(coinBin, append([]string{"serve"}, args...)...)
	cmd.Env = s.Env
	logf, _ := os.Create(filepath.Join(data, "serve.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		logf.Close()
		log, _ := os.ReadFile(filepath.Join(data, "serve.log"))
		// A page that asked for a message neither catalog holds showed
		// its id to the visitor.
		for _, line := range strings.Split(string(log), "\n") {
			if strings.Contains(line, "missing translation") {
				t.Errorf("a page showed an untranslated message: %s", line)
				break
			}
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", log)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("coin serve did not answer /healthz: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// browserCtx starts headless Chromium for the test.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	return browserCtxTimeout(t, 3*time.Minute)
}

// browserCtxTimeout starts headless Chromium for a test that may take longer.
func browserCtxTimeout(t *testing.T, budget time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("COIN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium is required (COIN_REQUIRE_BROWSER=1) but %s is missing", chromiumPath)
		}
		t.Skip("chromium not installed: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-GB"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The first run starts the browser for the life of ctx: no timeout on it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel3 := context.WithTimeout(ctx, budget)
	t.Cleanup(cancel3)
	return ctx
}

// shot saves a full-page screenshot when COIN_SCREENSHOTS is set.
func shot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		dir := os.Getenv("COIN_SCREENSHOTS")
		if dir == "" {
			return chromedp.Void{}, nil
		}
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		os.MkdirAll(dir, 0o755)
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// run performs actions and fails the test with the step that failed.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		t.Fatalf("%s: %v\npage main:\n%s", step, err, html)
	}
	checkNewPage(t, ctx)
}

// text returns the text of the page's main area.
func text(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#main")))
	if err != nil {
		t.Fatalf("read main: %v", err)
	}
	return s
}

func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		s, _ := chromedp.Run(short, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		cancel()
		if strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q; it shows:\n%s", sel, want, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`https?://[^/\s]+(/\S+)`)

// mailLink reads the newest outbox message to addr and returns its link path.
func (s *server) mailLink(t *testing.T, to string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var body string
	if err := db.QueryRow(`SELECT text_body FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, to).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", to, err)
	}
	m := linkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in mail to %s:\n%s", to, body)
	}
	return m[1]
}

func login(t *testing.T, ctx context.Context, s *server, user, password string) {
	t.Helper()
	run(t, ctx, "login as "+user,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-login`)),
		chromedp.SendKeys(chromedp.CSS(`#f-login`), user),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Submit(chromedp.CSS(`#f-password`)),
		chromedp.WaitVisible(chromedp.CSS(`#sections`)),
	)
	checkA11y(t, ctx, "signed in as "+user)
}

func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "logout",
		chromedp.Click(chromedp.CSS(`form[action$="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-login`)),
	)
}

// TestAdminCreatesMemberWhoSignsIn is the foundation's walk-through: an
// admin signs in, creates a member through the form, finds them in the
// list; the member chooses a password from the e-mailed link, signs in and
// sees their own profile, and not the back office.
func TestAdminCreatesMemberWhoSignsIn(t *testing.T) {
	for _, base := range []string{"", "/coin"} {
		t.Run("base="+base, func(t *testing.T) {
			s := startServer(t, base, nil)
			s.coin(t, "admin-password\n", "createsuperuser", "--login", "admin", "--email", "admin@isp.example")
			ctx := browserCtx(t)
			login(t, ctx, s, "admin", "admin-password")
			run(t, ctx, "open new member form",
				chromedp.Navigate(s.URL+"/admin/members"),
				chromedp.Click(chromedp.CSS(`a[href$="/admin/members/new"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#member-form`)),
			)
			// First an invalid submission: errors appear inline, no page change.
			run(t, ctx, "submit invalid form",
				chromedp.SendKeys(chromedp.CSS(`#f-login`), "Zoé Bad"),
				chromedp.Click(chromedp.CSS(`#member-form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`#e-login`)),
				shot("member-form-errors"+strings.ReplaceAll(base, "/", "-")),
			)
			// The focus goes to the field to correct.
			kbd{t, ctx}.waitFocus(`#f-login[aria-invalid="true"]`, "sending the member form with an error")
			run(t, ctx, "submit valid form",
				chromedp.SetValue(chromedp.CSS(`#f-login`), "zoe"),
				chromedp.SendKeys(chromedp.CSS(`#f-first_name`), "Zoé"),
				chromedp.SendKeys(chromedp.CSS(`#f-last_name`), "Lefèvre"),
				chromedp.SendKeys(chromedp.CSS(`#f-email`), "zoe@example.org"),
				chromedp.SetValue(chromedp.CSS(`#f-status`), "member"),
				chromedp.Click(chromedp.CSS(`#member-form button[type=submit]`)),
			)
			waitText(t, ctx, "#main", "Zoé Lefèvre")
			run(t, ctx, "member page", shot("member-detail"+strings.ReplaceAll(base, "/", "-")))
			run(t, ctx, "search the list",
				chromedp.Navigate(s.URL+"/admin/members"),
				chromedp.WaitVisible(chromedp.CSS(`#f-q`)),
				chromedp.SendKeys(chromedp.CSS(`#f-q`), "lefèvre"),
			)
			waitText(t, ctx, "#member-table", "1 member")
			waitText(t, ctx, "#member-table", "zoe@example.org")
			run(t, ctx, "list", shot("member-list"+strings.ReplaceAll(base, "/", "-")))
			logout(t, ctx)

			link := s.mailLink(t, "zoe@example.org")
			run(t, ctx, "choose password",
				chromedp.Navigate(s.Origin+link),
				chromedp.WaitVisible(chromedp.CSS(`#f-password`)),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), "zoe-password"),
				chromedp.SendKeys(chromedp.CSS(`#f-confirm`), "zoe-password"),
				chromedp.Submit(chromedp.CSS(`#f-confirm`)),
				chromedp.WaitVisible(chromedp.CSS(`#f-login`)),
			)
			login(t, ctx, s, "zoe", "zoe-password")
			run(t, ctx, "own profile",
				chromedp.Click(chromedp.CSS(`#sections a[href$="/profile"]`)),
			)
			waitText(t, ctx, "#main", "zoe@example.org")
			run(t, ctx, "profile", shot("profile"+strings.ReplaceAll(base, "/", "-")))
			if strings.Contains(text(t, ctx), "admin@isp.example") {
				t.Fatal("member sees another account's data")
			}
			run(t, ctx, "back office refused", chromedp.Navigate(s.URL+"/admin/members"))
			waitText(t, ctx, "#main", "not allowed")
		})
	}
}
