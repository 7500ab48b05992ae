-- Gap-free numbering: the last number given per sequence and year, taken
-- and increased in the transaction that validates a document.
CREATE TABLE number_sequences (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    last_date DATE NOT NULL,
    PRIMARY KEY (name, year)
);

-- Invoices and credit notes. A draft has no number and can change; a
-- validated document is frozen (triggers below) except for paid_cents,
-- the sum of what was allocated to it.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'validated')),
    number TEXT UNIQUE,
    issue_date DATE,
    due_date DATE,
    credited_invoice_id INTEGER REFERENCES invoices (id) ON DELETE RESTRICT,
    total_excl_cents BIGINT NOT NULL DEFAULT 0,
    tax_cents BIGINT NOT NULL DEFAULT 0,
    total_cents BIGINT NOT NULL DEFAULT 0,
    paid_cents BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    pdf BLOB,
    created_at TIMESTAMP NOT NULL,
    validated_at TIMESTAMP,
    CHECK (status = 'draft' OR (number IS NOT NULL AND issue_date IS NOT NULL)),
    CHECK (paid_cents >= 0 AND paid_cents <= total_cents),
    CHECK (kind = 'invoice' OR credited_invoice_id IS NOT NULL)
);
CREATE INDEX invoices_member ON invoices (member_id, issue_date);
CREATE INDEX invoices_status ON invoices (status, issue_date);

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp >= 0 AND tax_rate_bp <= 10000),
    amount_cents BIGINT NOT NULL,
    tax_cents BIGINT NOT NULL,
    period_from DATE,
    period_to DATE,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE RESTRICT,
    config_comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

-- The periods of each subscription already charged: the primary key makes
-- charging the same subscription and period twice impossible.
CREATE TABLE subscription_periods (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    invoice_line_id INTEGER REFERENCES invoice_lines (id) ON DELETE RESTRICT,
    PRIMARY KEY (subscription_id, period_from)
);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    method TEXT NOT NULL CHECK (method IN ('transfer', 'cash', 'cheque', 'card', 'direct_debit', 'other')),
    payment_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    label TEXT NOT NULL DEFAULT '',
    bank_reference TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL
);
CREATE INDEX payments_member ON payments (member_id, payment_date);

-- What of a payment or a credit note settles which invoice.
CREATE TABLE allocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    payment_id INTEGER REFERENCES payments (id) ON DELETE RESTRICT,
    credit_note_id INTEGER REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    created_at TIMESTAMP NOT NULL,
    CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);
CREATE INDEX allocations_invoice ON allocations (invoice_id);
CREATE INDEX allocations_payment ON allocations (payment_id);
CREATE INDEX allocations_credit ON allocations (credit_note_id);

-- Every accounting operation, appended and never changed.
CREATE TABLE accounting_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    operation TEXT NOT NULL,
    member_id INTEGER,
    invoice_id INTEGER,
    payment_id INTEGER,
    amount_cents BIGINT NOT NULL DEFAULT 0,
    actor TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accounting_log_member ON accounting_log (member_id, id);

CREATE TRIGGER accounting_log_no_update BEFORE UPDATE ON accounting_log
BEGIN SELECT RAISE(ABORT, 'accounting_log is append-only'); END;
CREATE TRIGGER accounting_log_no_delete BEFORE DELETE ON accounting_log
BEGIN SELECT RAISE(ABORT, 'accounting_log is append-only'); END;

CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
WHEN OLD.status = 'validated' AND (NEW.status <> OLD.status OR NEW.number IS NOT OLD.number
    OR NEW.member_id <> OLD.member_id OR NEW.issue_date IS NOT OLD.issue_date
    OR NEW.due_date IS NOT OLD.due_date OR NEW.total_cents <> OLD.total_cents
    OR NEW.total_excl_cents <> OLD.total_excl_cents OR NEW.tax_cents <> OLD.tax_cents
    OR NEW.kind <> OLD.kind OR NEW.pdf IS NOT OLD.pdf)
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
CREATE TRIGGER invoices_no_delete_validated BEFORE DELETE ON invoices
WHEN OLD.status = 'validated'
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot be deleted'); END;
CREATE TRIGGER invoice_lines_frozen_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'validated'
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
CREATE TRIGGER invoice_lines_frozen_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'validated'
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
CREATE TRIGGER invoice_lines_frozen_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) = 'validated'
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
