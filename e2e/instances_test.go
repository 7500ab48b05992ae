package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coin/mail/mailtest"
	"coin/store"
	"coin/store/storetest"
)

// instance is one `coin serve` process of TestTwoInstancesWorkAsOne.
type instance struct {
	cmd  *exec.Cmd
	url  string
	log  string
	done chan struct{}
}

func startInstance(t *testing.T, env []string) *instance {
	t.Helper()
	data := t.TempDir()
	addr := freePort(t)
	in := &instance{url: "http://" + addr, log: filepath.Join(data, "serve.log"), done: make(chan struct{})}
	in.cmd = exec.Command(coinBin, "serve")
	in.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + data, "COIN_SERVER_DATA_DIR=" + data,
		"COIN_SERVER_ADDR=" + addr, "COIN_SERVER_SECRET_KEY=" + strings.Repeat("two-instances-", 3)}, env...)
	logf, err := os.Create(in.log)
	if err != nil {
		t.Fatal(err)
	}
	in.cmd.Stdout, in.cmd.Stderr = logf, logf
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.cmd.Wait(); logf.Close(); close(in.done) }()
	t.Cleanup(func() {
		in.stop()
		if t.Failed() {
			b, _ := os.ReadFile(in.log)
			t.Logf("log of %s:\n%s", in.url, b)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(in.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return in
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("coin serve did not answer /healthz: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signIn signs in through the login form and returns the browser.
func signIn(t *testing.T, base, login, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page")
	}
	res, err = c.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path == "/login" {
		t.Fatalf("sign-in refused (%d)", res.StatusCode)
	}
	return c
}

// stop ends the process gracefully (SIGTERM: runs in flight finish).
func (in *instance) stop() {
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(15 * time.Second):
		in.cmd.Process.Kill()
		<-in.done
	}
}

// Two `coin serve` on one PostgreSQL database work as one: over 20 ticks
// of a job scheduled every second, each tick is claimed once and run once,
// whichever instance fires first; e-mails queued while both run the
// outbox every second reach the SMTP server once each.
func TestTwoInstancesWorkAsOne(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip(storetest.EnvPostgres + " is not set")
	}
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	st, err := store.Open(ctx, "postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Migrated once beforehand, as an upgrade would be.
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	smtp := mailtest.Start(t, mailtest.Options{})
	env := []string{"COIN_DATABASE_URL=" + dsn,
		"COIN_MAIL_HOST=" + smtp.Host, "COIN_MAIL_PORT=" + strconv.Itoa(smtp.Port), "COIN_MAIL_SECURITY=none",
		// Seconds first: the cheap job and the outbox every second.
		"COIN_JOBS_PURGE_UNVERIFIED=* * * * * *", "COIN_JOBS_OUTBOX=* * * * * *"}
	start := time.Now()
	a := startInstance(t, env)
	b := startInstance(t, env)
	both := time.Now().Truncate(time.Second).Add(time.Second)

	const messages = 5
	for i := range messages {
		if err := st.QueueMessage(ctx, &store.Message{Kind: "welcome", To: fmt.Sprintf("m%d@example.org", i),
			From: "coin@isp.test", Subject: "Bienvenue à l'association", TextBody: "Bonjour"}); err != nil {
			t.Fatal(err)
		}
	}

	// Sessions live in the database: signed in through one instance, the
	// browser is signed in on the other (behind one proxy, one origin).
	createAdmin := exec.Command(coinBin, "createsuperuser", "--login", "alix", "--email", "alix@example.org")
	createAdmin.Env = append([]string{"PATH=" + os.Getenv("PATH"), "COIN_SERVER_DATA_DIR=" + t.TempDir()}, env...)
	createAdmin.Stdin = strings.NewReader("two-instances-password\n")
	if out, err := createAdmin.CombinedOutput(); err != nil {
		t.Fatalf("createsuperuser: %v\n%s", err, out)
	}
	browser := signIn(t, a.url, "alix", "two-instances-password")
	res, err := browser.Get(b.url + "/admin/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Request.URL.Path != "/admin/" {
		t.Errorf("signed in on one instance, the other answers %d at %s", res.StatusCode, res.Request.URL)
	}

	if res, err := http.Get(b.url + "/admin/"); err != nil || res.Request.URL.Path == "/admin/" {
		t.Errorf("a browser not signed in reaches the back office: %v", err)
	} else {
		res.Body.Close()
	}

	// 20 ticks with both instances up, then both stop.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ticks, err := st.JobTicks(ctx, "purge-unverified", both)
		if err != nil {
			t.Fatal(err)
		}
		if len(ticks) >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d ticks in a minute", len(ticks))
		}
		time.Sleep(200 * time.Millisecond)
	}
	a.stop()
	b.stop()

	ticks, err := st.JobTicks(ctx, "purge-unverified", start.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	winners := map[string]int{}
	for i, tk := range ticks {
		winners[tk.Instance]++
		if i > 0 && !tk.ScheduledAt.After(ticks[i-1].ScheduledAt) {
			t.Errorf("tick %s recorded twice", tk.ScheduledAt)
		}
		if tk.ScheduledAt.Nanosecond() != 0 {
			t.Errorf("tick %s is not a whole second", tk.ScheduledAt)
		}
	}
	db := st.DB()
	var runs int
	if err := db.QueryRow(`SELECT COUNT(*) FROM job_runs WHERE job = 'purge-unverified' AND triggered_by = 'schedule'`).Scan(&runs); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d ticks, won by %v; %d runs", len(ticks), winners, runs)
	if len(ticks) < 20 || runs != len(ticks) {
		t.Errorf("%d ticks claimed and %d scheduled runs recorded: each tick must run once", len(ticks), runs)
	}
	if len(winners) != 2 {
		t.Errorf("ticks won by %v: both instances should have taken part", winners)
	}

	got := smtp.Messages()
	seen := map[string]int{}
	for _, m := range got {
		seen[strings.Join(m.To, ",")]++
	}
	if len(got) != messages || len(seen) != messages {
		t.Errorf("%d messages delivered for %d queued: %v", len(got), messages, seen)
	}
	var sent, attempts sql.NullInt64
	db.QueryRow(`SELECT COUNT(*), SUM(attempts) FROM outbox WHERE status = 'sent' AND claimed_by IS NULL`).Scan(&sent, &attempts)
	if sent.Int64 != messages || attempts.Int64 != messages {
		t.Errorf("outbox: %d sent, %d attempts, want %d each", sent.Int64, attempts.Int64, messages)
	}
}
