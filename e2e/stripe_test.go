package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"coin/stripepay/stripetest"
)

// TestMemberPaysOverdueInvoicesByCard: the demo member, who owes invoices,
// clicks "Pay by card" and is sent to Stripe's Checkout page (stripe-mock's
// session URL: the walk stops at that redirect, the browser has no
// Internet); once Stripe's signed webhook arrives, the invoices are paid.
func TestMemberPaysOverdueInvoicesByCard(t *testing.T) {
	mock := stripetest.Mock(t)
	s := startServer(t, "", []string{"--demo"}, "COIN_STRIPE_SECRET_KEY="+stripetest.SecretKey,
		"COIN_STRIPE_WEBHOOK_SECRET="+stripetest.WebhookSecret, "COIN_STRIPE_API_BASE="+mock)
	ctx := browserCtx(t)
	login(t, ctx, s, "member", "demo")
	run(t, ctx, "member invoices",
		chromedp.Navigate(s.URL+"/invoices"),
		chromedp.WaitVisible(chromedp.CSS(`#pay-by-card`)),
	)
	checkA11y(t, ctx, "invoices with the card button")

	payByCard(t, ctx)

	// Stripe tells coin the session was paid, for the member's open invoices.
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var memberID int64
	if err := db.QueryRow(`SELECT id FROM members WHERE login = 'member'`).Scan(&memberID); err != nil {
		t.Fatal(err)
	}
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
	payload := stripetest.SessionCompleted("evt_e2e", "cs_test_e2e", "pi_test_e2e", total, stripetest.Meta(memberID, ids...))
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/stripe/webhook", bytes.NewReader(payload))
	req.Header.Set("Stripe-Signature", stripetest.Sign(payload, stripetest.WebhookSecret))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", res, err)
	}
	res.Body.Close()

	run(t, ctx, "invoices after the webhook", chromedp.Navigate(s.URL+"/invoices"))
	waitText(t, ctx, "#main", "Nothing to pay")
	run(t, ctx, "paid by card", shot("portal-paid-by-card"))
}

// payByCard clicks "Pay by card" and waits for the browser to be sent to
// Stripe Checkout (stripe-mock's session URL: the walk stops at that
// redirect, the browser has no Internet).
func payByCard(t *testing.T, ctx context.Context) {
	t.Helper()
	stripeURL := make(chan string, 1)
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	_ = chromedp.Listen(lctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.HasPrefix(e.Request.URL, "https://checkout.stripe.com/") {
			select {
			case stripeURL <- e.Request.URL:
			default:
			}
		}
	})
	if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`#pay-by-card`))); err != nil {
		t.Fatalf("click pay by card: %v", err)
	}
	select {
	case u := <-stripeURL:
		t.Logf("sent to %s", u)
	case <-time.After(20 * time.Second):
		t.Fatal("the pay button did not send the browser to Stripe Checkout")
	}
}
