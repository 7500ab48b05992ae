DROP TABLE stripe_payments;
DROP TABLE stripe_events;
