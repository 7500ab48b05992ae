-- A direct debit the debtor's bank sent back (camt.053 return) or refused
-- before settlement (pain.002 reject), with the ISO reason code.
ALTER TABLE sepa_debits ADD COLUMN returned_at TIMESTAMP NULL;
ALTER TABLE sepa_debits ADD COLUMN return_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE sepa_debits ADD COLUMN return_code TEXT NOT NULL DEFAULT '';
-- Two returns in a row suspend a mandate: no file collects on it until
-- staff resume it.
ALTER TABLE sepa_mandates ADD COLUMN suspended_at TIMESTAMP NULL;
-- Returns before staff resumed the mandate do not count again.
ALTER TABLE sepa_mandates ADD COLUMN resumed_at TIMESTAMP NULL;
-- Counting a mandate's last files reads its collections only.
CREATE INDEX sepa_debits_mandate ON sepa_debits (mandate_id, message_id);
-- A statement line may send back a direct debit (target debit_return),
-- naming it and saying why: SQLite changes a CHECK by rebuilding the table.
CREATE TABLE bank_import_lines_new (
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
    target TEXT NOT NULL DEFAULT '' CHECK (target IN ('', 'invoice', 'fee', 'credit', 'debit_return')),
    invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    candidates TEXT NOT NULL DEFAULT '',
    end_to_end_id TEXT NOT NULL DEFAULT '',
    return_code TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, position)
);
INSERT INTO bank_import_lines_new (import_id, position, booking_date, amount_cents, label, bank_reference,
    account, counterparty, line_hash, method, result, member_id, target, invoice_id, reason, candidates)
SELECT import_id, position, booking_date, amount_cents, label, bank_reference,
    account, counterparty, line_hash, method, result, member_id, target, invoice_id, reason, candidates
FROM bank_import_lines;
DROP TABLE bank_import_lines;
ALTER TABLE bank_import_lines_new RENAME TO bank_import_lines;
