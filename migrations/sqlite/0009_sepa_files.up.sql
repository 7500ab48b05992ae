-- Every direct debit file written (trial files excepted), stored in the
-- transaction that records its debits: a file lost on the way to the bank
-- is downloaded again, byte for byte. sepa_debits.message_id names its file.
CREATE TABLE sepa_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    collection_date DATE NOT NULL,
    transaction_count INTEGER NOT NULL CHECK (transaction_count > 0),
    total_cents BIGINT NOT NULL CHECK (total_cents > 0),
    xml BLOB NOT NULL,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sepa_files_created ON sepa_files (created_at);
