ALTER TABLE bank_imports DROP COLUMN skipped_lines;
ALTER TABLE bank_imports DROP COLUMN encoding;
