DROP INDEX IF EXISTS bank_lines_import;
