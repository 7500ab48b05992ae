-- Receipts given to members: for a membership fee, for a paid invoice,
-- and the tax receipt (cerfa 11580) of a fee when the association may
-- give one. Each is numbered once, per kind and year, and kept as the PDF
-- handed out: a receipt is a document of record, drawn again never.
CREATE TABLE receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('fee', 'invoice', 'tax')),
    number TEXT NOT NULL UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    fee_id INTEGER REFERENCES membership_fees (id) ON DELETE RESTRICT,
    invoice_id INTEGER REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_cents BIGINT NOT NULL,
    issued_on DATE NOT NULL,
    language TEXT NOT NULL,
    pdf BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((fee_id IS NULL) <> (invoice_id IS NULL))
);
CREATE UNIQUE INDEX receipts_fee ON receipts (kind, fee_id) WHERE fee_id IS NOT NULL;
CREATE UNIQUE INDEX receipts_invoice ON receipts (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX receipts_member ON receipts (member_id, id);
