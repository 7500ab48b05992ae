-- The PDFs go back into the invoices row (the old trigger function would
-- refuse it, so it comes back last).
DROP TRIGGER invoices_frozen ON invoices;
UPDATE invoices i SET pdf = p.pdf FROM invoice_pdfs p WHERE p.invoice_id = i.id;
DROP INDEX invoices_pdf_to_move;
DROP TABLE invoice_pdfs;
DROP FUNCTION coin_invoice_pdf_frozen();
CREATE OR REPLACE FUNCTION coin_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'validated' THEN
            RAISE EXCEPTION 'a validated invoice cannot be deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'validated' AND (NEW.status, NEW.number, NEW.member_id, NEW.issue_date, NEW.due_date,
        NEW.total_cents, NEW.total_excl_cents, NEW.tax_cents, NEW.kind, NEW.pdf)
        IS DISTINCT FROM (OLD.status, OLD.number, OLD.member_id, OLD.issue_date, OLD.due_date,
        OLD.total_cents, OLD.total_excl_cents, OLD.tax_cents, OLD.kind, OLD.pdf) THEN
        RAISE EXCEPTION 'a validated invoice cannot change';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER invoices_frozen BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION coin_invoice_frozen();
