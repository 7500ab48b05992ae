-- The wider CHECK on bank_import_lines.target stays: lines sending back a
-- direct debit go, the columns naming it too.
DELETE FROM bank_import_lines WHERE target = 'debit_return';
ALTER TABLE bank_import_lines DROP COLUMN return_code;
ALTER TABLE bank_import_lines DROP COLUMN end_to_end_id;
DROP INDEX sepa_debits_mandate;
ALTER TABLE sepa_mandates DROP COLUMN resumed_at;
ALTER TABLE sepa_mandates DROP COLUMN suspended_at;
ALTER TABLE sepa_debits DROP COLUMN return_code;
ALTER TABLE sepa_debits DROP COLUMN return_kind;
ALTER TABLE sepa_debits DROP COLUMN returned_at;
