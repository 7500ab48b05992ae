DROP TABLE sepa_debits;
DROP TABLE sepa_mandates;
DROP TABLE bank_lines;
DROP TABLE bank_import_lines;
DROP TABLE bank_imports;
