-- Bank statements parsed and matched, waiting for the treasurer to confirm
-- them: the confirm step reads what was stored here, never what a form
-- posts. Pending imports expire after a day.
CREATE TABLE bank_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP
);
CREATE INDEX bank_imports_expires ON bank_imports (status, expires_at);

-- The lines of an import with what each was matched to.
CREATE TABLE bank_import_lines (
    import_id INTEGER NOT NULL REFERENCES bank_imports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    booking_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    label TEXT NOT NULL,
    bank_reference TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL DEFAULT '',
    counterparty TEXT NOT NULL DEFAULT '',
    line_hash TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('transfer', 'direct_debit')),
    result TEXT NOT NULL CHECK (result IN ('matched', 'ambiguous', 'unmatched', 'ignored', 'duplicate')),
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    target TEXT NOT NULL DEFAULT '' CHECK (target IN ('', 'invoice', 'fee', 'credit')),
    invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    candidates TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, position)
);

-- Every bank line imported: the unique keys make importing one twice
-- impossible, whether the bank gave it a reference or not.
CREATE TABLE bank_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_reference TEXT UNIQUE,
    line_hash TEXT NOT NULL UNIQUE,
    booking_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    label TEXT NOT NULL,
    payment_id INTEGER REFERENCES payments (id) ON DELETE RESTRICT,
    import_id INTEGER REFERENCES bank_imports (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

-- SEPA direct debit mandates signed by members; one active per member.
CREATE TABLE sepa_mandates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reference TEXT NOT NULL UNIQUE,
    signature_date DATE NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT NOT NULL DEFAULT '',
    sequence_type TEXT NOT NULL CHECK (sequence_type IN ('FRST', 'RCUR')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sepa_mandates_one_active ON sepa_mandates (member_id) WHERE active;

-- What each direct debit file asked the bank to collect: an invoice is
-- put in one file only.
CREATE TABLE sepa_debits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    mandate_id INTEGER NOT NULL REFERENCES sepa_mandates (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    end_to_end_id TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    sequence_type TEXT NOT NULL,
    collection_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sepa_debits_invoice ON sepa_debits (invoice_id);
CREATE INDEX sepa_debits_message ON sepa_debits (message_id);
