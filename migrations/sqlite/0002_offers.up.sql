-- What the association sells.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    backend TEXT NOT NULL,
    billing_period_months INTEGER NOT NULL DEFAULT 1 CHECK (billing_period_months BETWEEN 1 AND 120),
    period_fee_cents BIGINT NOT NULL DEFAULT 0 CHECK (period_fee_cents >= 0),
    setup_fee_cents BIGINT NOT NULL DEFAULT 0 CHECK (setup_fee_cents >= 0),
    non_billable BOOLEAN NOT NULL DEFAULT FALSE,
    open BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Who subscribed to what. A member or an offer with subscriptions cannot be
-- deleted: history matters for billing.
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE RESTRICT,
    start_date DATE NOT NULL,
    resign_date DATE,
    commitment_months INTEGER NOT NULL DEFAULT 0 CHECK (commitment_months >= 0),
    comments TEXT NOT NULL DEFAULT '',
    suspended BOOLEAN NOT NULL DEFAULT FALSE,
    deprovisioned_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (resign_date IS NULL OR resign_date >= start_date)
);
CREATE INDEX subscriptions_member ON subscriptions (member_id);
CREATE INDEX subscriptions_offer ON subscriptions (offer_id, start_date);
CREATE INDEX subscriptions_resign ON subscriptions (resign_date);

-- The technical configuration of a subscription, typed by its backend. The
-- fields live in data (a JSON object); the login is also a column so that
-- it is unique per backend. A generated password is kept only as a hash.
CREATE TABLE configurations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL UNIQUE REFERENCES subscriptions (id) ON DELETE CASCADE,
    backend TEXT NOT NULL,
    login TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    secret_hash TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX configurations_login ON configurations (backend, login);

-- Every run of a provisioning hook, successful or not.
CREATE TABLE hook_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    argv TEXT NOT NULL,
    exit_code INTEGER,
    output TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL
);
CREATE INDEX hook_runs_subscription ON hook_runs (subscription_id, id);
