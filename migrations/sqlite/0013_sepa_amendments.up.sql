-- The account and bank of each mandate's last collection, recorded with
-- that collection's debit: a mandate whose IBAN or BIC changed since then is
-- sent once as amended (AmdmntInd, OrgnlDbtrAcct or SMNDA). Mandates
-- collected before this migration take their present account as the last
-- one collected: no history tells otherwise.
ALTER TABLE sepa_mandates ADD COLUMN collected_iban TEXT NOT NULL DEFAULT '';
ALTER TABLE sepa_mandates ADD COLUMN collected_bic TEXT NOT NULL DEFAULT '';
UPDATE sepa_mandates SET collected_iban = iban, collected_bic = bic
    WHERE EXISTS (SELECT 1 FROM sepa_debits x WHERE x.mandate_id = sepa_mandates.id);
