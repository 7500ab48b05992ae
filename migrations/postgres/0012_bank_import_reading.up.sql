-- How a statement was read, shown on its preview: the character set of a
-- CSV file (the profile's, or utf-8 when the file turned out to be) and the
-- lines after the last entry left out (a closing balance, totals).
ALTER TABLE bank_imports ADD COLUMN encoding TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_imports ADD COLUMN skipped_lines INTEGER NOT NULL DEFAULT 0;
