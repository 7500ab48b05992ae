-- Money that pays no member: donations, other income, expenses and bank
-- fees, booked from a bank statement line or typed for cash and cheques.
-- Each has its journal entry (journal_entry_id, written in the same
-- transaction); a donation with a donor may have its tax receipt (cerfa
-- 11580), numbered in the sequence of the fees' tax receipts and kept as
-- the PDF handed out.
CREATE TABLE other_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('donation', 'income', 'expense', 'bank_fees')),
    method TEXT NOT NULL,
    entry_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    account TEXT NOT NULL,
    label TEXT NOT NULL,
    counterparty TEXT NOT NULL DEFAULT '',
    donor_member_id INTEGER REFERENCES members (id) ON DELETE RESTRICT,
    donor_name TEXT NOT NULL DEFAULT '',
    donor_address TEXT NOT NULL DEFAULT '',
    bank_reference TEXT NOT NULL DEFAULT '',
    import_id INTEGER REFERENCES bank_imports (id) ON DELETE SET NULL,
    journal_entry_id INTEGER REFERENCES journal_entries (id) ON DELETE RESTRICT,
    receipt_number TEXT UNIQUE,
    receipt_issued_on DATE,
    receipt_pdf BLOB,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX other_entries_date ON other_entries (entry_date, id);
CREATE INDEX other_entries_donor ON other_entries (donor_member_id) WHERE donor_member_id IS NOT NULL;

-- What a line of a pending statement import is booked to instead of a
-- member; confirming writes the other entry.
CREATE TABLE bank_import_bookings (
    import_id INTEGER NOT NULL REFERENCES bank_imports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('donation', 'income', 'expense', 'bank_fees')),
    account TEXT NOT NULL,
    label TEXT NOT NULL,
    counterparty TEXT NOT NULL DEFAULT '',
    donor_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    donor_name TEXT NOT NULL DEFAULT '',
    donor_address TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, position)
);

-- A statement line booked to an account keeps its journal entry.
ALTER TABLE bank_lines ADD COLUMN journal_entry_id INTEGER REFERENCES journal_entries (id);
