-- The PDFs go back into the invoices row (the old trigger would refuse it,
-- so it comes back last).
DROP TRIGGER invoices_frozen;
DROP TRIGGER invoice_pdfs_validated;
DROP TRIGGER invoice_pdfs_no_update;
DROP TRIGGER invoice_pdfs_no_delete;
UPDATE invoices SET pdf = (SELECT p.pdf FROM invoice_pdfs p WHERE p.invoice_id = invoices.id)
WHERE id IN (SELECT invoice_id FROM invoice_pdfs);
DROP INDEX invoices_pdf_to_move;
DROP TABLE invoice_pdfs;
CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
WHEN OLD.status = 'validated' AND (NEW.status <> OLD.status OR NEW.number IS NOT OLD.number
    OR NEW.member_id <> OLD.member_id OR NEW.issue_date IS NOT OLD.issue_date
    OR NEW.due_date IS NOT OLD.due_date OR NEW.total_cents <> OLD.total_cents
    OR NEW.total_excl_cents <> OLD.total_excl_cents OR NEW.tax_cents <> OLD.tax_cents
    OR NEW.kind <> OLD.kind OR NEW.pdf IS NOT OLD.pdf)
BEGIN SELECT RAISE(ABORT, 'a validated invoice cannot change'); END;
