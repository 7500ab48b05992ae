-- What an imported line became: the record coin made from a line of
-- another system's export, keyed by that system (the import profile's
-- source) and the id it gave the line, so that importing a file twice
-- changes nothing. member_id is the member the record belongs to (for a
-- fee or a subscription, its member), so that anonymising a member finds
-- its keys.
CREATE TABLE import_refs (
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('member', 'fee', 'subscription')),
    ref TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, kind, ref)
);
CREATE INDEX import_refs_member ON import_refs (member_id);

-- A file uploaded in the back office between its preview and its
-- confirmation (kept a day).
CREATE TABLE import_uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('members', 'fees', 'subscriptions')),
    profile TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    data BLOB NOT NULL,
    created_by INTEGER REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX import_uploads_created ON import_uploads (created_at);

-- Set when a member's personal data was erased (GDPR): the row stays for
-- the invoices, payments and ledger that refer to it.
ALTER TABLE members ADD COLUMN anonymised_at TIMESTAMP;

-- Anonymising a member removes the staff notifications of their sign-up.
CREATE INDEX outbox_kind ON outbox (kind, id);
