ALTER TABLE other_entries DROP COLUMN cancel_entry_id;
ALTER TABLE other_entries DROP COLUMN cancelled_at;
