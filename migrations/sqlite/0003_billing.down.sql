DROP TABLE accounting_log;
DROP TABLE allocations;
DROP TABLE payments;
DROP TABLE subscription_periods;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE number_sequences;
