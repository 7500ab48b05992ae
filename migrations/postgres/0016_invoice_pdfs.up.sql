-- Invoice PDFs leave the invoices row (TOASTed, but every UPDATE of
-- paid_cents and every sequential scan still paid for them). A PDF is
-- written once, in the transaction that validates its invoice, and never
-- changes.
CREATE TABLE invoice_pdfs (
    invoice_id BIGINT PRIMARY KEY REFERENCES invoices (id) ON DELETE RESTRICT,
    pdf BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size = length(pdf))
);
CREATE FUNCTION coin_invoice_pdf_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'a validated invoice cannot change';
    END IF;
    IF (SELECT status FROM invoices WHERE id = NEW.invoice_id) IS DISTINCT FROM 'validated' THEN
        RAISE EXCEPTION 'only a validated invoice has a PDF';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER invoice_pdfs_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_pdfs
    FOR EACH ROW EXECUTE FUNCTION coin_invoice_pdf_frozen();

-- The PDFs still in the old column, moved in batches by coin after this
-- migration (store.MoveInvoicePDFs); empty once they are all moved.
CREATE INDEX invoices_pdf_to_move ON invoices (id) WHERE pdf IS NOT NULL;

-- A validated invoice stays frozen; its old pdf column may only be
-- cleared, and only once invoice_pdfs holds the same bytes.
CREATE OR REPLACE FUNCTION coin_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'validated' THEN
            RAISE EXCEPTION 'a validated invoice cannot be deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'validated' AND ((NEW.status, NEW.number, NEW.member_id, NEW.issue_date, NEW.due_date,
        NEW.total_cents, NEW.total_excl_cents, NEW.tax_cents, NEW.kind)
        IS DISTINCT FROM (OLD.status, OLD.number, OLD.member_id, OLD.issue_date, OLD.due_date,
        OLD.total_cents, OLD.total_excl_cents, OLD.tax_cents, OLD.kind)
        OR (NEW.pdf IS DISTINCT FROM OLD.pdf AND NOT (NEW.pdf IS NULL
            AND EXISTS (SELECT 1 FROM invoice_pdfs p WHERE p.invoice_id = OLD.id AND p.pdf = OLD.pdf)))) THEN
        RAISE EXCEPTION 'a validated invoice cannot change';
    END IF;
    RETURN NEW;
END $$;
