-- The ledger: every money event is a balanced journal entry, numbered when
-- it is written (per journal and fiscal year, gap-free through
-- number_sequences) and never changed: the FEC and the accounting CSV read
-- it, so an entry keeps its number in every export. Entries carry their own
-- texts (member login and name included) and no foreign key to what they
-- book: deleting a fee books a reversal, it never touches an entry.
CREATE TABLE journal_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    journal TEXT NOT NULL,
    journal_label TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    entry_date DATE NOT NULL,
    piece_ref TEXT NOT NULL DEFAULT '',
    piece_date DATE NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    -- What the entry books: invoice (and credit note), payment, fee,
    -- fee_reversal; one entry per source.
    source_kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    -- For the accounting CSV (one row an entry): invoice, credit_note,
    -- payment, fee, fee_reversal; the member; how it was paid; the
    -- invoice a credit note credits.
    doc_kind TEXT NOT NULL,
    member_login TEXT NOT NULL DEFAULT '',
    member_name TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    credited_ref TEXT NOT NULL DEFAULT '',
    valid_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (journal, fiscal_year, seq),
    UNIQUE (source_kind, source_id)
);
CREATE INDEX journal_entries_date ON journal_entries (entry_date, journal, fiscal_year, seq);

CREATE TABLE journal_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id INTEGER NOT NULL REFERENCES journal_entries (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    account TEXT NOT NULL,
    account_label TEXT NOT NULL DEFAULT '',
    aux_num TEXT NOT NULL DEFAULT '',
    aux_label TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    debit_cents BIGINT NOT NULL DEFAULT 0 CHECK (debit_cents >= 0),
    credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),
    UNIQUE (entry_id, position)
);

CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;

-- Closed periods (a month YYYY-MM or a year YYYY): nothing can be dated
-- from start_date to end_date any more.
CREATE TABLE closed_periods (
    period TEXT PRIMARY KEY,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    closed_by TEXT NOT NULL DEFAULT ''
);

-- While this row exists, the program books the invoices, payments and
-- fees written before the ledger (ledger.Backfill, in date order, at every
-- start until done); it deletes the row in the transaction that finishes.
-- A new database has nothing to book, and stays empty (coin load wants it so).
CREATE TABLE ledger_backfill (pending INTEGER PRIMARY KEY);
INSERT INTO ledger_backfill (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM invoices WHERE status = 'validated')
    OR EXISTS (SELECT 1 FROM payments) OR EXISTS (SELECT 1 FROM membership_fees);
