-- The history of bank imports opens each import's payments: its bank lines
-- are found through their import, not by reading every line ever imported.
CREATE INDEX bank_lines_import ON bank_lines (import_id);
-- Deleting a mistaken payment asks whether a statement line recorded it.
CREATE INDEX bank_lines_payment ON bank_lines (payment_id);
