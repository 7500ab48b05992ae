-- An entry typed by mistake is cancelled by a counter-entry (its journal
-- entry reversed, dated as it was), never deleted.
ALTER TABLE other_entries ADD COLUMN cancelled_at TIMESTAMP NULL;
ALTER TABLE other_entries ADD COLUMN cancel_entry_id INTEGER REFERENCES journal_entries (id);
