ALTER TABLE bank_lines DROP COLUMN journal_entry_id;
DROP TABLE IF EXISTS bank_import_bookings;
DROP TABLE IF EXISTS other_entries;
