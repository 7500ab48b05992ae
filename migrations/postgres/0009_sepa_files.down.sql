DROP TABLE sepa_files;
