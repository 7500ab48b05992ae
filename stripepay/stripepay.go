// Package stripepay takes card payments through Stripe Checkout: it opens
// a Checkout session for what a member owes (their open invoices, or their
// membership fee when due) and records what Stripe's signed notifications
// (webhooks) say: a completed session becomes a card payment allocated to
// those invoices (or the fee), a refunded charge reverses it. Every event
// is recorded once, by its id, in the transaction of what it records.
package stripepay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/model"
	"coin/store"
)

// Metadata keys of a Checkout session coin creates.
const (
	metaMember   = "coin_member_id"
	metaInvoices = "coin_invoice_ids" // comma-separated ids, in allocation order
	metaFee      = "coin_membership_fee"
)

// actor is who the accounting log says recorded the payments.
const actor = "stripe"

// ErrBadSignature is a webhook whose Stripe-Signature does not check out.
var ErrBadSignature = errors.New("stripe webhook signature does not match")

// ErrNothingToPay is returned by Checkout when the member owes nothing.
var ErrNothingToPay = errors.New("nothing to pay")

// Service opens Checkout sessions and handles Stripe's webhooks.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Billing *billing.Service
	Fees    *fees.Service
	Log     *slog.Logger

	client        *stripe.Client
	webhookSecret string
}

// New builds the service from the [stripe] settings; nil when card
// payments are off.
func New(st *store.Store, cfg *config.Config, b *billing.Service, f *fees.Service, log *slog.Logger) (*Service, error) {
	if !cfg.Stripe.Enabled() {
		return nil, nil
	}
	key, err := cfg.Stripe.Key()
	if err != nil {
		return nil, err
	}
	secret, err := cfg.Stripe.Webhook()
	if err != nil {
		return nil, err
	}
	bc := &stripe.BackendConfig{
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
		// stripe-go would log to stderr on its own; coin logs the errors it returns.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.Stripe.APIBase != "" {
		base := strings.TrimSuffix(cfg.Stripe.APIBase, "/")
		bc.URL = &base
	}
	client := stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(bc)))
	return &Service{Store: st, Cfg: cfg, Billing: b, Fees: f, Log: log, client: client, webhookSecret: secret}, nil
}

// PayURL is the portal's link that starts paying by card what a member
// owes, after signing in: for reminders and e-mails. "" when card payments
// are off.
func PayURL(cfg *config.Config) string {
	if !cfg.Stripe.Enabled() {
		return ""
	}
	return cfg.AbsoluteURL("/pay")
}

// Due is what a member would pay by card now: their open invoices, or
// else their membership fee when it is not up to date.
type Due struct {
	Invoices []*store.Invoice
	FeeCents int64 // > 0: the membership fee
	Total    int64
}

// DueOf reads what member m owes.
func (s *Service) DueOf(ctx context.Context, m *store.Member) (Due, error) {
	var d Due
	open, err := s.Store.OpenInvoices(ctx, m.ID)
	if err != nil {
		return d, err
	}
	for _, inv := range open {
		d.Invoices = append(d.Invoices, inv)
		d.Total += inv.Remaining()
	}
	if d.Total > 0 {
		return d, nil
	}
	list, err := s.Store.MembershipFeesOfMember(ctx, m.ID)
	if err != nil {
		return d, err
	}
	if fees.StatusOf(list, date.Today(s.Cfg.Location())).State != model.FeeUpToDate && s.Cfg.Fees.DefaultFeeCents() > 0 {
		d.FeeCents = s.Cfg.Fees.DefaultFeeCents()
		d.Total = d.FeeCents
	}
	return d, nil
}

// Checkout opens a Checkout session for what member m owes and returns the
// URL to send them to. successURL and cancelURL bring them back to the
// portal. ErrNothingToPay when they owe nothing.
func (s *Service) Checkout(ctx context.Context, m *store.Member, successURL, cancelURL string) (string, error) {
	d, err := s.DueOf(ctx, m)
	if err != nil {
		return "", err
	}
	if d.Total <= 0 {
		return "", ErrNothingToPay
	}
	cur := s.Cfg.Stripe.CurrencyCode()
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(successURL),
		CancelURL:         stripe.String(cancelURL),
		ClientReferenceID: stripe.String(strconv.FormatInt(m.ID, 10)),
		Metadata:          map[string]string{metaMember: strconv.FormatInt(m.ID, 10)},
	}
	if m.Email != "" {
		params.CustomerEmail = stripe.String(m.Email)
	}
	line := func(name string, cents int64) *stripe.CheckoutSessionCreateLineItemParams {
		return &stripe.CheckoutSessionCreateLineItemParams{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(cur),
				UnitAmount:  stripe.Int64(cents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
		}
	}
	if d.FeeCents > 0 {
		params.Metadata[metaFee] = strconv.FormatInt(d.FeeCents, 10)
		params.LineItems = append(params.LineItems, line("Membership fee", d.FeeCents))
	} else {
		ids := make([]string, 0, len(d.Invoices))
		for _, inv := range d.Invoices {
			ids = append(ids, strconv.FormatInt(inv.ID, 10))
			params.LineItems = append(params.LineItems, line("Invoice "+inv.Number, inv.Remaining()))
		}
		// Stripe metadata values hold 500 characters: plenty of ids; the
		// allocation falls back to oldest first for any left out.
		v := strings.Join(ids, ",")
		for len(v) > 500 {
			v = v[:strings.LastIndexByte(v, ',')]
		}
		params.Metadata[metaInvoices] = v
	}
	params.PaymentIntentData = &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: params.Metadata}
	sess, err := s.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return "", fmt.Errorf("stripe checkout session for member %d: %w", m.ID, err)
	}
	s.Log.Info("stripe checkout session", "member", m.ID, "session", sess.ID, "amount_cents", d.Total)
	return sess.URL, nil
}

// HandleWebhook checks a webhook's signature and records what its event
// says. ErrBadSignature records nothing; an event already processed is
// nil (Stripe sends again until it gets a 2xx).
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signature string) error {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, s.webhookSecret,
		// The account's API version may differ from stripe-go's; the
		// fields read here are the same in every recent version.
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		var sess stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &sess); err != nil {
			return fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		return s.sessionCompleted(ctx, ev, &sess)
	case stripe.EventTypeChargeRefunded:
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		return s.chargeRefunded(ctx, ev, &ch)
	}
	return nil // other events are not coin's business
}

// once runs fn in a transaction that also records the event as processed;
// an event seen before is nil and writes nothing.
func (s *Service) once(ctx context.Context, ev stripe.Event, fn func(tx *store.Store) error) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.RecordStripeEvent(ctx, ev.ID, string(ev.Type)); err != nil {
			return err
		}
		return fn(tx)
	})
	if errors.Is(err, store.ErrEventSeen) {
		s.Log.Info("stripe event already processed", "event", ev.ID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("stripe event %s (%s): %w", ev.ID, ev.Type, err)
	}
	return nil
}

func (s *Service) sessionCompleted(ctx context.Context, ev stripe.Event, sess *stripe.CheckoutSession) error {
	memberID, _ := strconv.ParseInt(sess.Metadata[metaMember], 10, 64)
	if memberID == 0 || sess.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid || sess.AmountTotal <= 0 {
		// Not a session of coin's, or not paid yet (an asynchronous method:
		// async_payment_succeeded follows).
		s.Log.Info("stripe session ignored", "event", ev.ID, "session", sess.ID, "payment_status", sess.PaymentStatus)
		return s.once(ctx, ev, func(*store.Store) error { return nil })
	}
	var ids []int64
	for _, f := range strings.Split(sess.Metadata[metaInvoices], ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	intent := ""
	if sess.PaymentIntent != nil {
		intent = sess.PaymentIntent.ID
	}
	return s.once(ctx, ev, func(tx *store.Store) error {
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		p := &store.Payment{MemberID: m.ID, Method: model.PayCard, Date: date.Today(s.Cfg.Location()),
			AmountCents: sess.AmountTotal, Label: "Stripe " + sess.ID}
		fee := sess.Metadata[metaFee] != ""
		if _, err := s.Billing.RecordPaymentTx(ctx, tx, p, billing.PaymentOptions{InvoiceIDs: ids, Unallocated: fee, Member: m}, actor); err != nil {
			return err
		}
		if fee {
			if _, err := s.Fees.RecordPaidTx(ctx, tx, p, m, model.PayCard, nil, actor); err != nil {
				return err
			}
		}
		return tx.CreateStripePayment(ctx, &store.StripePayment{SessionID: sess.ID, PaymentIntent: intent,
			MemberID: m.ID, PaymentID: &p.ID, AmountCents: p.AmountCents})
	})
}

func (s *Service) chargeRefunded(ctx context.Context, ev stripe.Event, ch *stripe.Charge) error {
	intent := ""
	if ch.PaymentIntent != nil {
		intent = ch.PaymentIntent.ID
	}
	return s.once(ctx, ev, func(tx *store.Store) error {
		sp, err := tx.StripePaymentByIntent(ctx, intent)
		if errors.Is(err, store.ErrNotFound) {
			s.Log.Warn("stripe refund of a payment coin did not record", "event", ev.ID, "charge", ch.ID)
			return nil
		}
		if err != nil {
			return err
		}
		if sp.RefundedAt != nil || sp.PaymentID == nil {
			return nil
		}
		if !ch.Refunded && ch.AmountRefunded < sp.AmountCents {
			// A partial refund: which invoice gets reopened is the
			// treasurer's call (credit note or re-allocation).
			s.Log.Warn("stripe partial refund: record it by hand", "event", ev.ID, "member", sp.MemberID,
				"payment", *sp.PaymentID, "refunded_cents", ch.AmountRefunded)
			return nil
		}
		if err := s.Billing.ReversePaymentTx(ctx, tx, *sp.PaymentID, "refund "+ch.ID, actor); err != nil {
			if errors.Is(err, billing.ErrPaysFee) {
				s.Log.Warn("stripe refund of a membership fee: delete the fee by hand", "event", ev.ID,
					"member", sp.MemberID, "payment", *sp.PaymentID)
				return nil
			}
			return err
		}
		return tx.MarkStripePaymentRefunded(ctx, sp.ID)
	})
}
