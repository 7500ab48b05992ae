-- Collections (issue 18): reminders of unpaid invoices, suspension for
-- arrears and its restore. Kept in tables of their own so that members,
-- subscriptions and invoices keep their columns.

-- Staff choices per member: no reminders (with why), exempt from
-- suspension (with why).
CREATE TABLE collection_settings (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    no_remind BOOLEAN NOT NULL DEFAULT FALSE,
    no_remind_reason TEXT NOT NULL DEFAULT '',
    exempt BOOLEAN NOT NULL DEFAULT FALSE,
    exempt_reason TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- The arrears state of a subscription: state '' (none), 'suspending'
-- (marked suspended, the hook not yet run), 'suspended', 'resuming'
-- (marked active again, the hook not yet run). The two "…ing" states let a
-- run interrupted between the commit and the hook finish the work.
CREATE TABLE subscription_arrears (
    subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT '' CHECK (state IN ('', 'suspending', 'suspended', 'resuming')),
    since DATE,
    exempt BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscription_arrears_member ON subscription_arrears (member_id);
CREATE INDEX subscription_arrears_pending ON subscription_arrears (state) WHERE state <> '';

-- Every step of collections, shown on the member page. step_key is unique:
-- the row is written in the transaction that does the step, so a step is
-- done once whatever the number of runs (e.g. "notice:<member>:<day>").
CREATE TABLE collection_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'notice', 'suspend', 'resume', 'setting')),
    step_key TEXT NOT NULL UNIQUE,
    day DATE NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    amount_cents BIGINT NOT NULL DEFAULT 0,
    level INTEGER NOT NULL DEFAULT 0,
    outbox_id INTEGER,
    hook_run_id INTEGER,
    details TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX collection_steps_member ON collection_steps (member_id, created_at);
CREATE INDEX collection_steps_subscription ON collection_steps (subscription_id, kind);

-- One reminder level per invoice: the (invoice, days after due) pair is
-- the unique key that makes a reminder go once.
CREATE TABLE invoice_reminders (
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    days_after INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    step_id INTEGER REFERENCES collection_steps (id) ON DELETE SET NULL,
    sent_on DATE NOT NULL,
    PRIMARY KEY (invoice_id, days_after)
);
CREATE INDEX invoice_reminders_member ON invoice_reminders (member_id, sent_on);

-- Files attached to a queued e-mail (the reminder letter).
CREATE TABLE outbox_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX outbox_attachments_message ON outbox_attachments (outbox_id);
