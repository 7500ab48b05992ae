package e2e

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"coin/mail/mailtest"
)

// outboxCount counts the outbox messages of a kind to an address.
func (s *server) outboxCount(t *testing.T, kind, to string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = ? AND to_addr = ?`, kind, to).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFeeReminderRunNowInTheDemo is the "done when": in the demo,
// an admin presses "Run now" on the fee reminders; the member whose fee
// ends next month has a reminder in the outbox; a second run adds nothing;
// the history shows both runs; the member's portal shows the fee status and
// how to pay.
func TestFeeReminderRunNowInTheDemo(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	const member = "member@demo.coin.example"
	if n := s.outboxCount(t, "fee_reminder", member); n != 0 {
		t.Fatalf("%d reminders before the run", n)
	}
	login(t, ctx, s, "admin", "demo")
	run(t, ctx, "jobs page",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/jobs"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#job-table`)),
	)
	runNow := `form[action$="/admin/jobs/call-for-membership-fees/run"] button:not(.outline)`
	run(t, ctx, "run now", chromedp.Click(chromedp.CSS(runNow)))
	waitText(t, ctx, "#main", "The job has run")
	if n := s.outboxCount(t, "fee_reminder", member); n != 1 {
		t.Fatalf("%d reminders to the member after the first run, want 1", n)
	}
	run(t, ctx, "run again", chromedp.Click(chromedp.CSS(runNow)))
	waitText(t, ctx, "#run-table", "0 reminders sent")
	if n := s.outboxCount(t, "fee_reminder", member); n != 1 {
		t.Fatalf("%d reminders to the member after the second run, want 1", n)
	}
	history := text(t, ctx)
	if strings.Count(history, "reminders sent") < 2 || !strings.Contains(history, "Run now") {
		t.Fatalf("history does not show both runs:\n%s", history)
	}
	run(t, ctx, "jobs screenshot", shot("jobs-history"))
	run(t, ctx, "outbox",
		chromedp.Navigate(s.URL+"/admin/outbox"),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	waitText(t, ctx, "#main", member)
	run(t, ctx, "outbox screenshot", shot("outbox"))
	run(t, ctx, "reminder message",
		chromedp.Click(chromedp.CSS(`table.list tbody tr:first-child a`)),
		chromedp.WaitVisible(chromedp.CSS(`pre.mail`)),
		shot("outbox-reminder"),
	)
	run(t, ctx, "fee list",
		chromedp.Navigate(s.URL+"/admin/fees"),
		chromedp.WaitVisible(chromedp.CSS(`#fee-table`)),
		shot("fee-list"),
	)
	run(t, ctx, "never paid",
		chromedp.Navigate(s.URL+"/admin/fees?state=never"),
		chromedp.WaitVisible(chromedp.CSS(`#fee-table`)),
	)
	waitText(t, ctx, "#fee-table", "Never paid")
	run(t, ctx, "member page with fees",
		chromedp.Navigate(s.URL+"/admin/fees?q=member%40demo"),
		chromedp.WaitVisible(chromedp.CSS(`#fee-table`)),
		chromedp.Click(chromedp.CSS(`#fee-table tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`#member-fees`)),
		shot("member-fees"),
	)
	waitText(t, ctx, "#member-fees", "1 reminder sent")
	logout(t, ctx)

	login(t, ctx, s, "member", "demo")
	waitText(t, ctx, "#fee-card", "Up to date")
	waitText(t, ctx, "#fee-card", "How to pay")
	run(t, ctx, "portal screenshot", shot("portal-home"))
	run(t, ctx, "membership page",
		chromedp.Click(chromedp.CSS(`#fee-card a[href$="/membership"]`)),
	)
	waitText(t, ctx, "#main", "My membership fees")
	run(t, ctx, "membership screenshot", shot("portal-membership"))
	run(t, ctx, "in French",
		chromedp.SetValue(chromedp.CSS(`select[name=lang]`), "fr"),
		chromedp.Click(chromedp.CSS(`form[action$="/language"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=fr]`)),
	)
	waitText(t, ctx, "#main", "Mes cotisations")
	waitText(t, ctx, "#main", "payée jusqu'au")
	run(t, ctx, "French screenshot", shot("portal-membership-fr"))
}

// TestMailGoesOutAtOnceThroughTheOutboxJob runs `coin serve` against a real
// SMTP server in the test process: a password reset asked in the browser
// reaches the server within seconds (the outbox job woken by the queueing,
// not the next minute), and the run is in the job history.
func TestMailGoesOutAtOnceThroughTheOutboxJob(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	s := startServer(t, "", nil, "COIN_MAIL_HOST="+smtp.Host, fmt.Sprintf("COIN_MAIL_PORT=%d", smtp.Port),
		"COIN_MAIL_FROM=asso@isp.example")
	s.coin(t, "admin-password\n", "createsuperuser", "--login", "admin", "--email", "admin@isp.example")
	ctx := browserCtx(t)
	run(t, ctx, "ask for a reset",
		chromedp.Navigate(s.URL+"/password-reset"),
		chromedp.WaitVisible(chromedp.CSS(`#f-who`)),
		chromedp.SendKeys(chromedp.CSS(`#f-who`), "admin"),
		chromedp.Submit(chromedp.CSS(`#f-who`)),
	)
	deadline := time.Now().Add(15 * time.Second)
	for len(smtp.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the reset e-mail did not reach the SMTP server")
		}
		time.Sleep(100 * time.Millisecond)
	}
	m := smtp.Messages()[0]
	if m.From != "asso@isp.example" || m.To[0] != "admin@isp.example" || !strings.Contains(string(m.Data), "/password-reset/") {
		t.Fatalf("message: %+v\n%s", m, m.Data)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status, summary string
	deadline = time.Now().Add(5 * time.Second)
	for {
		err = db.QueryRow(`SELECT status, summary FROM job_runs WHERE job = 'outbox' AND triggered_by = 'wakeup'`).Scan(&status, &summary)
		if err == nil && status == "ok" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status != "ok" || summary != "1 e-mail sent, 0 failed (retried later)" {
		t.Fatalf("outbox run: %q %q %v", status, summary, err)
	}
}
