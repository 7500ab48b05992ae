-- Membership fees: a member is up to date on a day when one of their fees
-- covers it (start_date <= day <= end_date).
CREATE TABLE membership_fees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    amount INTEGER NOT NULL CHECK (amount >= 0), -- cents
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    payment_method TEXT NOT NULL DEFAULT '' CHECK (payment_method IN ('', 'transfer', 'check', 'cash', 'card', 'other')),
    reference TEXT NOT NULL DEFAULT '',
    payment_date DATE,
    -- The billing payment this fee was matched from, when it was. No foreign
    -- key yet: the payments table comes with billing, which may add one.
    payment_id INTEGER,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX membership_fees_member ON membership_fees (member_id, end_date);
CREATE INDEX membership_fees_end ON membership_fees (end_date);
-- A payment pays at most one fee.
CREATE UNIQUE INDEX membership_fees_payment ON membership_fees (payment_id) WHERE payment_id IS NOT NULL;

-- Reminders sent by call-for-membership-fees. The UNIQUE key makes each
-- reminder (member, end of their latest fee, offset) go out once, whatever
-- the number of runs; it is written in the transaction that queues the e-mail.
CREATE TABLE membership_fee_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    fee_id INTEGER REFERENCES membership_fees (id) ON DELETE SET NULL,
    fee_end DATE NOT NULL,
    reminder_offset TEXT NOT NULL, -- "-3m", "0d", "+1m"…
    due_on DATE NOT NULL,          -- fee_end moved by the offset
    sent_on DATE NOT NULL,         -- the day of the run that sent it (>= due_on on catch-up)
    outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (member_id, fee_end, reminder_offset)
);

-- One row per run of a scheduled job, whoever started it.
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    triggered_by TEXT NOT NULL CHECK (triggered_by IN ('schedule', 'manual', 'cli', 'wakeup')),
    started_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    day DATE NOT NULL,
    dry_run BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    summary TEXT NOT NULL DEFAULT '',
    error_text TEXT NOT NULL DEFAULT '',
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);
CREATE INDEX job_runs_started ON job_runs (started_at);
