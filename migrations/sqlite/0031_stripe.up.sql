-- Stripe notifications already handled: the row is inserted in the
-- transaction that records what the event says, so an event sent twice
-- (Stripe retries) is recorded once.
CREATE TABLE stripe_events (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    processed_at TIMESTAMP NOT NULL
);

-- Card payments made through Stripe Checkout: which coin payment a
-- Checkout session and its PaymentIntent became, to find it back when the
-- charge is refunded. payment_id is cleared when the refund reverses the
-- payment; the row stays as the history of the session.
CREATE TABLE stripe_payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL UNIQUE,
    payment_intent TEXT UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    payment_id INTEGER REFERENCES payments (id) ON DELETE SET NULL,
    amount_cents BIGINT NOT NULL,
    refunded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX stripe_payments_payment ON stripe_payments (payment_id);
