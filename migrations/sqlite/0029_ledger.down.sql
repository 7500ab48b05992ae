DROP TABLE ledger_backfill;
DROP TABLE closed_periods;
DROP TABLE journal_lines;
DROP TABLE journal_entries;
DELETE FROM number_sequences WHERE name LIKE 'ledger:%';
