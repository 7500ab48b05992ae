package handlers_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"coin/config"
	"coin/stripepay/stripetest"
)

// withStripe turns card payments on against stripe-mock at base.
func withStripe(base string) func(*config.Config) {
	return func(c *config.Config) {
		c.Stripe.SecretKey, c.Stripe.WebhookSecret, c.Stripe.APIBase = stripetest.SecretKey, stripetest.WebhookSecret, base
	}
}

// postWebhook sends payload signed with secret to the app's listener.
func postWebhook(t *testing.T, base string, payload []byte, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/stripe/webhook", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", stripetest.Sign(payload, secret))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (a *testApp) count(q string, arg any) int {
	a.t.Helper()
	var n int
	if err := a.store.DB().QueryRow(a.sql(q), arg).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestStripeCheckoutRedirectsToStripe(t *testing.T) {
	mock := stripetest.Mock(t)
	eachApp(t, withStripe(mock), func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.validatedInvoice(alice, 2500)
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/invoices")
		mustContain(t, page.Body, `id="pay-by-card"`, "Pay by card")
		res := b.get("/pay")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://") {
			t.Fatalf("pay: %d %q\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		// The reminders' link: after sign-in, GET /pay starts the same checkout.
		if res := b.get("/pay"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://") {
			t.Fatalf("GET /pay: %d %q", res.Status, res.Header.Get("Location"))
		}
		if res := a.browser().get("/pay"); res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/login?next=%2Fpay") {
			t.Fatalf("GET /pay signed out: %d %q", res.Status, res.Header.Get("Location"))
		}
		// Nothing is recorded before Stripe says the session was paid.
		if n := a.count(`SELECT COUNT(*) FROM payments WHERE member_id = ?`, alice.ID); n != 0 {
			t.Fatalf("%d payments before the webhook", n)
		}
	})
}

func TestStripeOffByDefault(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		a.validatedInvoice(alice, 2500)
		b := a.browser()
		b.login("alice", "alice-password")
		mustNotContain(t, b.get("/invoices").Body, `id="pay-by-card"`)
		if res := b.get("/pay"); res.Status != http.StatusNotFound {
			t.Fatalf("GET /pay without stripe: %d", res.Status)
		}
		base := a.listen()
		payload := stripetest.SessionCompleted("evt_1", "cs_1", "pi_1", 2500, stripetest.Meta(alice.ID))
		if code := postWebhook(t, base, payload, stripetest.WebhookSecret); code != http.StatusNotFound {
			t.Fatalf("webhook without stripe: %d", code)
		}
	})
}

func TestStripeWebhookRecordsOnceAndRefundReopens(t *testing.T) {
	mock := stripetest.Mock(t)
	eachApp(t, withStripe(mock), func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		inv1 := a.validatedInvoice(alice, 2500)
		inv2 := a.validatedInvoice(alice, 1000)
		base := a.listen()
		paid := stripetest.SessionCompleted("evt_paid", "cs_test_1", "pi_test_1", 3500, stripetest.Meta(alice.ID, inv2.ID, inv1.ID))

		// A bad signature is refused and records nothing.
		if code := postWebhook(t, base, paid, "whsec_wrong"); code != http.StatusBadRequest {
			t.Fatalf("bad signature: %d", code)
		}
		tampered := bytes.Replace(paid, []byte(`3500`), []byte(`9999`), 1)
		req, _ := http.NewRequest(http.MethodPost, base+"/stripe/webhook", bytes.NewReader(tampered))
		req.Header.Set("Stripe-Signature", stripetest.Sign(paid, stripetest.WebhookSecret))
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusBadRequest {
			t.Fatalf("tampered body: %v %v", res, err)
		}
		if n := a.count(`SELECT COUNT(*) FROM payments WHERE member_id = ?`, alice.ID); n != 0 {
			t.Fatalf("bad signatures recorded %d payments", n)
		}
		if n := a.count(`SELECT COUNT(*) FROM stripe_events WHERE event_id <> ?`, ""); n != 0 {
			t.Fatalf("bad signatures recorded %d events", n)
		}

		// The same event twice records one payment.
		for range 2 {
			if code := postWebhook(t, base, paid, stripetest.WebhookSecret); code != http.StatusOK {
				t.Fatalf("webhook: %d", code)
			}
		}
		if n := a.count(`SELECT COUNT(*) FROM payments WHERE member_id = ? AND method = 'card'`, alice.ID); n != 1 {
			t.Fatalf("%d card payments, want 1", n)
		}
		for _, inv := range []int64{inv1.ID, inv2.ID} {
			if n := a.count(`SELECT COUNT(*) FROM invoices WHERE id = ? AND paid_cents = total_cents`, inv); n != 1 {
				t.Fatalf("invoice %d not paid", inv)
			}
		}
		if n := a.outboxCount("payment_received"); n != 1 {
			t.Fatalf("%d payment_received e-mails", n)
		}
		b := a.browser()
		b.login("alice", "alice-password")
		mustContain(t, b.get("/invoices").Body, "Nothing to pay")

		// A partial refund changes nothing (the treasurer's call); a full
		// refund reverses the payment and reopens both invoices, once.
		if code := postWebhook(t, base, stripetest.ChargeRefunded("evt_part", "ch_1", "pi_test_1", 3500, 500), stripetest.WebhookSecret); code != http.StatusOK {
			t.Fatalf("partial refund: %d", code)
		}
		if n := a.count(`SELECT COUNT(*) FROM payments WHERE member_id = ?`, alice.ID); n != 1 {
			t.Fatalf("partial refund: %d payments", n)
		}
		refund := stripetest.ChargeRefunded("evt_refund", "ch_1", "pi_test_1", 3500, 3500)
		for range 2 {
			if code := postWebhook(t, base, refund, stripetest.WebhookSecret); code != http.StatusOK {
				t.Fatalf("refund: %d", code)
			}
		}
		if n := a.count(`SELECT COUNT(*) FROM payments WHERE member_id = ?`, alice.ID); n != 0 {
			t.Fatalf("refund left %d payments", n)
		}
		for _, inv := range []int64{inv1.ID, inv2.ID} {
			if n := a.count(`SELECT COUNT(*) FROM invoices WHERE id = ? AND paid_cents = 0`, inv); n != 1 {
				t.Fatalf("invoice %d not reopened", inv)
			}
		}
		if n := a.count(`SELECT COUNT(*) FROM accounting_log WHERE operation = ?`, "payment.reversed"); n != 1 {
			t.Fatalf("%d payment.reversed log entries", n)
		}
		mustContain(t, b.get("/invoices").Body, "Pay by card")

		// An unknown event type is acknowledged; a body too large is refused.
		if code := postWebhook(t, base, []byte(`{"id":"evt_x","object":"event","type":"customer.created","data":{"object":{}}}`), stripetest.WebhookSecret); code != http.StatusOK {
			t.Fatalf("other event: %d", code)
		}
		big := []byte(`{"id":"evt_big","pad":"` + strings.Repeat("x", 70<<10) + `"}`)
		req, _ = http.NewRequest(http.MethodPost, base+"/stripe/webhook", bytes.NewReader(big))
		req.Header.Set("Stripe-Signature", stripetest.Sign(big, stripetest.WebhookSecret))
		// The server answers before reading the body and closes: the client
		// may see the answer or a connection reset while still writing.
		if res, err := http.DefaultClient.Do(req); err == nil && res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("large body: %d", res.StatusCode)
		}
	})
}

func TestStripeMembershipFeeByCard(t *testing.T) {
	mock := stripetest.Mock(t)
	eachApp(t, func(c *config.Config) {
		withStripe(mock)(c)
		c.Fees.DefaultMembershipFee = "15.00"
	}, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("alice", "alice-password")
		mustContain(t, b.get("/invoices").Body, "Pay my membership fee by card (€15.00)")
		if res := b.get("/pay"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://") {
			t.Fatalf("pay fee: %d %q", res.Status, res.Header.Get("Location"))
		}
		base := a.listen()
		meta := map[string]string{"coin_member_id": strconv.FormatInt(alice.ID, 10), "coin_membership_fee": "1500"}
		ev := stripetest.SessionCompleted("evt_fee", "cs_fee", "pi_fee", 1500, meta)
		for range 2 {
			if code := postWebhook(t, base, ev, stripetest.WebhookSecret); code != http.StatusOK {
				t.Fatalf("fee webhook: %d", code)
			}
		}
		if n := a.count(`SELECT COUNT(*) FROM membership_fees WHERE member_id = ? AND payment_method = 'card' AND amount = 1500`, alice.ID); n != 1 {
			t.Fatalf("%d card fees, want 1", n)
		}
		mustNotContain(t, b.get("/invoices").Body, "Pay my membership fee by card")
		// Its refund is left to the treasurer: the fee stays.
		if code := postWebhook(t, base, stripetest.ChargeRefunded("evt_fee_refund", "ch_fee", "pi_fee", 1500, 1500), stripetest.WebhookSecret); code != http.StatusOK {
			t.Fatalf("fee refund: %d", code)
		}
		if n := a.count(`SELECT COUNT(*) FROM membership_fees WHERE member_id = ?`, alice.ID); n != 1 {
			t.Fatalf("fee refund removed the fee")
		}
	})
}
