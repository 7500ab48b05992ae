// Package stripetest runs stripe-mock (Stripe's official API mock, a Go
// program .ci/run installs) for tests, and signs webhook payloads the way
// Stripe does.
package stripetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Test secrets of the test configurations.
const (
	SecretKey     = "sk_test_coin"
	WebhookSecret = "whsec_coin_test"
)

// Mock starts stripe-mock on a free port of 127.0.0.1 and returns its base
// URL. Found through COIN_TEST_STRIPE_MOCK or on PATH; without it the test is
// skipped, unless COIN_REQUIRE_BROWSER=1 or COIN_REQUIRE_STRIPE_MOCK=1
// (CI) makes that a failure.
func Mock(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("COIN_TEST_STRIPE_MOCK")
	if bin == "" {
		bin, _ = exec.LookPath("stripe-mock")
	}
	if bin == "" {
		if os.Getenv("COIN_REQUIRE_BROWSER") == "1" || os.Getenv("COIN_REQUIRE_STRIPE_MOCK") == "1" {
			t.Fatal("stripe-mock not found (COIN_TEST_STRIPE_MOCK): go install github.com/stripe/stripe-mock@v0.203.0")
		}
		t.Skip("stripe-mock not found: set COIN_TEST_STRIPE_MOCK (see .ci/run)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-http-addr", addr)
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start stripe-mock: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for deadline := time.Now().Add(2 * time.Minute); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock does not listen on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

// Sign returns the Stripe-Signature header of payload under secret.
func Sign(payload []byte, secret string) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret}).Header
}

// SessionCompleted is a checkout.session.completed event of a paid
// session with coin's metadata: member, and invoice ids ("12,13") or fee.
func SessionCompleted(eventID, sessionID, intent string, amount int64, meta map[string]string) []byte {
	return event(eventID, stripe.EventTypeCheckoutSessionCompleted, map[string]any{
		"id": sessionID, "object": "checkout.session", "amount_total": amount, "currency": "eur",
		"mode": "payment", "payment_status": "paid", "status": "complete", "payment_intent": intent, "metadata": meta})
}

// ChargeRefunded is a charge.refunded event of intent's charge.
func ChargeRefunded(eventID, chargeID, intent string, amount, refunded int64) []byte {
	return event(eventID, stripe.EventTypeChargeRefunded, map[string]any{
		"id": chargeID, "object": "charge", "amount": amount, "amount_refunded": refunded, "currency": "eur",
		"refunded": refunded >= amount, "payment_intent": intent})
}

// Meta is the metadata coin puts on a session for member's invoices.
func Meta(memberID int64, invoiceIDs ...int64) map[string]string {
	m := map[string]string{"coin_member_id": strconv.FormatInt(memberID, 10)}
	ids := ""
	for i, id := range invoiceIDs {
		if i > 0 {
			ids += ","
		}
		ids += strconv.FormatInt(id, 10)
	}
	m["coin_invoice_ids"] = ids
	return m
}

func event(id string, typ stripe.EventType, obj map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2025-01-27.acacia",
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": obj}})
	if err != nil {
		panic(fmt.Sprintf("stripe test event: %v", err))
	}
	return b
}
