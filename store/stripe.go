package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrEventSeen is returned by RecordStripeEvent for an event already
// handled: the caller rolls its transaction back and answers Stripe 200.
var ErrEventSeen = errors.New("stripe event already processed")

// RecordStripeEvent marks a Stripe event as processed, in the transaction
// that records what it says. A second delivery of the same event (even
// concurrent: the primary key makes it wait for the first) is ErrEventSeen.
func (s *Store) RecordStripeEvent(ctx context.Context, id, typ string) error {
	_, err := s.exec(ctx, `INSERT INTO stripe_events (event_id, type, processed_at) VALUES (?, ?, ?)`, id, typ, s.now())
	if isUniqueViolation(err) {
		return ErrEventSeen
	}
	if err != nil {
		return fmt.Errorf("record stripe event %s: %w", id, err)
	}
	return nil
}

// StripeEventSeen tells whether an event was processed already (a cheap
// check before a transaction; RecordStripeEvent is the one that counts).
func (s *Store) StripeEventSeen(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM stripe_events WHERE event_id = ?`, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("stripe event %s: %w", id, err)
	}
	return n > 0, nil
}

// StripePayment is a coin payment made through a Stripe Checkout session.
type StripePayment struct {
	ID            int64
	SessionID     string
	PaymentIntent string
	MemberID      int64
	PaymentID     *int64 // nil once refunded (the payment is reversed)
	AmountCents   int64
	RefundedAt    *time.Time
	CreatedAt     time.Time
}

// CreateStripePayment records which payment a Checkout session became. A
// session recorded twice is ErrConflict.
func (s *Store) CreateStripePayment(ctx context.Context, sp *StripePayment) error {
	sp.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO stripe_payments (session_id, payment_intent, member_id, payment_id,
		amount_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)`, sp.SessionID, nullIfEmpty(sp.PaymentIntent),
		sp.MemberID, sp.PaymentID, sp.AmountCents, sp.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("stripe session %s: %w", sp.SessionID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("record stripe session %s: %w", sp.SessionID, err)
	}
	sp.ID = id
	return nil
}

// StripePaymentByIntent finds the payment of a PaymentIntent (a refund
// names the intent); ErrNotFound when coin did not record it.
func (s *Store) StripePaymentByIntent(ctx context.Context, intent string) (*StripePayment, error) {
	var sp StripePayment
	var pi sql.NullString
	var pid sql.NullInt64
	var refunded sql.NullTime
	err := s.queryRow(ctx, `SELECT id, session_id, payment_intent, member_id, payment_id, amount_cents,
		refunded_at, created_at FROM stripe_payments WHERE payment_intent = ?`, intent).Scan(&sp.ID, &sp.SessionID,
		&pi, &sp.MemberID, &pid, &sp.AmountCents, &refunded, &sp.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("stripe payment intent %s: %w", intent, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("stripe payment intent %s: %w", intent, err)
	}
	sp.PaymentIntent = pi.String
	if pid.Valid {
		sp.PaymentID = &pid.Int64
	}
	if refunded.Valid {
		sp.RefundedAt = &refunded.Time
	}
	return &sp, nil
}

// MarkStripePaymentRefunded records that a Stripe payment was refunded and
// its coin payment reversed.
func (s *Store) MarkStripePaymentRefunded(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE stripe_payments SET refunded_at = ?, payment_id = NULL WHERE id = ?`, s.now(), id)
	if err != nil {
		return fmt.Errorf("mark stripe payment %d refunded: %w", id, err)
	}
	return expectOne(res, "stripe payment", id)
}

// DeletePayment removes a payment without allocations (its reversal: the
// accounting log keeps both).
func (s *Store) DeletePayment(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM payments WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete payment %d: %w", id, err)
	}
	return expectOne(res, "payment", id)
}
