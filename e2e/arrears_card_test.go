package e2e

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"coin/stripepay/stripetest"
)

// TestSuspendedMemberPaysByCardAndIsRestored: `coin enforce-arrears`
// suspends the demo member, who owes overdue invoices, running the real
// suspend hook of their VPN (a script recording its argv); the member sees
// the suspension on their home page, pays by card (Stripe's signed webhook
// posted to the real handler, the session made by stripe-mock), and the
// payment runs the resume hook once: the home page no longer shows the
// suspension.
func TestSuspendedMemberPaysByCardAndIsRestored(t *testing.T) {
	mock := stripetest.Mock(t)
	hookDir := t.TempDir()
	hookLog := filepath.Join(hookDir, "hooks.log")
	hook := filepath.Join(hookDir, "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\nprintf '%s\\n' \"$*\" >> "+hookLog+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "", []string{"--demo"}, "COIN_STRIPE_SECRET_KEY="+stripetest.SecretKey,
		"COIN_STRIPE_WEBHOOK_SECRET="+stripetest.WebhookSecret, "COIN_STRIPE_API_BASE="+mock,
		"COIN_COLLECTIONS_SUSPEND_THRESHOLD=0.00", "COIN_COLLECTIONS_SUSPEND_AFTER_DAYS=1", "COIN_COLLECTIONS_NOTICE_DAYS=0",
		"COIN_SERVICES_HOOKS_VPN_SUSPEND="+hook+",suspend,{subscription_id}",
		"COIN_SERVICES_HOOKS_VPN_RESUME="+hook+",resume,{subscription_id}")

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var memberID, vpnID int64
	if err := db.QueryRow(`SELECT m.id, s.id FROM members m JOIN subscriptions s ON s.member_id = m.id
		JOIN offers o ON o.id = s.offer_id WHERE m.login = 'member' AND o.backend = 'vpn'`).Scan(&memberID, &vpnID); err != nil {
		t.Fatalf("the demo member's VPN: %v", err)
	}
	runsOf := func(verb string) int {
		b, _ := os.ReadFile(hookLog)
		n := 0
		for _, l := range strings.Split(string(b), "\n") {
			if l == fmt.Sprintf("%s %d", verb, vpnID) {
				n++
			}
		}
		return n
	}

	out := s.coin(t, "", "enforce-arrears")
	t.Logf("enforce-arrears: %s", out)
	if n := runsOf("suspend"); n != 1 {
		b, _ := os.ReadFile(hookLog)
		t.Fatalf("the suspend hook ran %d times for the member's VPN %d:\n%s", n, vpnID, b)
	}
	var suspended bool
	if err := db.QueryRow(`SELECT suspended FROM subscriptions WHERE id = ?`, vpnID).Scan(&suspended); err != nil || !suspended {
		t.Fatalf("VPN suspended: %v %v", suspended, err)
	}

	ctx := browserCtx(t)
	login(t, ctx, s, "member", "demo")
	run(t, ctx, "home while suspended",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#arrears-notice`)),
		chromedp.WaitVisible(chromedp.CSS(`#pay-by-card`)),
		shot("portal-suspended-for-arrears"),
	)
	waitText(t, ctx, "#arrears-notice", "Suspended for arrears")
	waitText(t, ctx, "#arrears-notice", "VPN mensuel")
	checkA11y(t, ctx, "home with the arrears notice")

	// The member pays every open invoice by card: the button sends them to
	// Checkout (stripe-mock's session; the walk stops at that redirect, the
	// browser has no Internet), and Stripe's signed webhook tells coin it
	// was paid.
	payByCard(t, ctx)
	rows, err := db.Query(`SELECT id, total_cents - paid_cents FROM invoices WHERE member_id = ? AND kind = 'invoice'
		AND status = 'validated' AND paid_cents < total_cents ORDER BY issue_date, number`, memberID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var total int64
	for rows.Next() {
		var id, left int64
		if err := rows.Scan(&id, &left); err != nil {
			t.Fatal(err)
		}
		ids, total = append(ids, id), total+left
	}
	rows.Close()
	if len(ids) == 0 {
		t.Fatal("the demo member owes nothing")
	}
	payload := stripetest.SessionCompleted("evt_e2e_arrears", "cs_test_arrears", "pi_test_arrears", total, stripetest.Meta(memberID, ids...))
	post := func() {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/stripe/webhook", bytes.NewReader(payload))
		req.Header.Set("Stripe-Signature", stripetest.Sign(payload, stripetest.WebhookSecret))
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %v %v", res, err)
		}
		res.Body.Close()
	}
	post()
	// Stripe retries a webhook it thinks lost: the same event again
	// restores nothing twice.
	post()

	deadline := time.Now().Add(20 * time.Second)
	for runsOf("resume") == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a second run would have come by now
	if n := runsOf("resume"); n != 1 {
		b, _ := os.ReadFile(hookLog)
		t.Fatalf("the resume hook ran %d times for the member's VPN %d:\n%s", n, vpnID, b)
	}
	if err := db.QueryRow(`SELECT suspended FROM subscriptions WHERE id = ?`, vpnID).Scan(&suspended); err != nil || suspended {
		t.Fatalf("VPN still suspended after the payment: %v %v", suspended, err)
	}

	run(t, ctx, "home after the payment", chromedp.Navigate(s.URL+"/"))
	waitText(t, ctx, "#main", "Nothing to pay")
	run(t, ctx, "restored", shot("portal-restored-after-card-payment"))
	notices, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#arrears-notice')).map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 0 || strings.Contains(text(t, ctx), "Suspended for arrears") {
		t.Fatalf("the home page still shows the suspension: %q\n%s", notices, text(t, ctx))
	}
	run(t, ctx, "subscriptions after the payment", chromedp.Navigate(s.URL+"/subscriptions"))
	if strings.Contains(text(t, ctx), "Suspended for arrears") {
		t.Fatalf("the subscriptions page still shows the suspension:\n%s", text(t, ctx))
	}
}
