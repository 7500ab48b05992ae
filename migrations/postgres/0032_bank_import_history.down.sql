DROP INDEX IF EXISTS bank_lines_import;
DROP INDEX IF EXISTS bank_lines_payment;
