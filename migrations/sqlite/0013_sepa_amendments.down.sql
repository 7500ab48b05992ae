ALTER TABLE sepa_mandates DROP COLUMN collected_bic;
ALTER TABLE sepa_mandates DROP COLUMN collected_iban;
