-- Invoice PDFs leave the invoices row: a query on invoices read every PDF
-- it passed over (SQLite keeps a row's columns together, and the PDF came
-- before created_at and validated_at). A PDF is written once, in the
-- transaction that validates its invoice, and never changes.
CREATE TABLE invoice_pdfs (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id) ON DELETE RESTRICT,
    pdf BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size = length(pdf))
);
CREATE TRIGGER invoice_pdfs_validated BEFORE INSERT ON invoice_pdfs
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) IS NOT 'validated'
BEGIN SELECT RAISE(ABORT, 'only a validated invoice has a PDF'); END;
CREATE TRIGGER invoice_pdfs_no_update BEFORE UPDATE ON invoice_pdfs
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
CREATE TRIGGER invoice_pdfs_no_delete BEFORE DELETE ON invoice_pdfs
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;

-- The PDFs still in the old column, moved in batches by coin after this
-- migration (store.MoveInvoicePDFs): the index finds them without reading
-- the table, and is empty once they are all moved.
CREATE INDEX invoices_pdf_to_move ON invoices (id) WHERE pdf IS NOT NULL;

-- A validated invoice stays frozen; its old pdf column may only be
-- cleared, and only once invoice_pdfs holds the same bytes.
DROP TRIGGER invoices_frozen;
CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
WHEN OLD.status = 'validated' AND (NEW.status <> OLD.status OR NEW.number IS NOT OLD.number
    OR NEW.member_id <> OLD.member_id OR NEW.issue_date IS NOT OLD.issue_date
    OR NEW.due_date IS NOT OLD.due_date OR NEW.total_cents <> OLD.total_cents
    OR NEW.total_excl_cents <> OLD.total_excl_cents OR NEW.tax_cents <> OLD.tax_cents
    OR NEW.kind <> OLD.kind
    OR (NEW.pdf IS NOT OLD.pdf AND NOT (NEW.pdf IS NULL
        AND EXISTS (SELECT 1 FROM invoice_pdfs p WHERE p.invoice_id = OLD.id AND p.pdf = OLD.pdf))))
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
