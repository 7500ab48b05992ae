-- Several `coin serve` on one database: each scheduled time of a job is
-- run by the one instance that records it here first (the key refuses a
-- second), and an outbox message is claimed by one instance for a lease
-- before it is sent (a claim whose lease ran out, its instance dead, is
-- taken again).
CREATE TABLE job_ticks (
    job TEXT NOT NULL,
    scheduled_at TIMESTAMP NOT NULL,
    instance TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (job, scheduled_at)
);
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMP;
