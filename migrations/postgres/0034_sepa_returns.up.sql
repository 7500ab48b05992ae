-- A direct debit the debtor's bank sent back (camt.053 return) or refused
-- before settlement (pain.002 reject), with the ISO reason code.
ALTER TABLE sepa_debits ADD COLUMN returned_at TIMESTAMPTZ NULL;
ALTER TABLE sepa_debits ADD COLUMN return_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE sepa_debits ADD COLUMN return_code TEXT NOT NULL DEFAULT '';
-- Two returns in a row suspend a mandate: no file collects on it until
-- staff resume it.
ALTER TABLE sepa_mandates ADD COLUMN suspended_at TIMESTAMPTZ NULL;
-- Returns before staff resumed the mandate do not count again.
ALTER TABLE sepa_mandates ADD COLUMN resumed_at TIMESTAMPTZ NULL;
-- Counting a mandate's last files reads its collections only.
CREATE INDEX sepa_debits_mandate ON sepa_debits (mandate_id, message_id);
-- A statement line may send back a direct debit (target debit_return),
-- naming it and saying why.
ALTER TABLE bank_import_lines DROP CONSTRAINT bank_import_lines_target_check;
ALTER TABLE bank_import_lines ADD CONSTRAINT bank_import_lines_target_check
    CHECK (target IN ('', 'invoice', 'fee', 'credit', 'debit_return'));
ALTER TABLE bank_import_lines ADD COLUMN end_to_end_id TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_import_lines ADD COLUMN return_code TEXT NOT NULL DEFAULT '';
