DROP INDEX outbox_kind;
ALTER TABLE members DROP COLUMN anonymised_at;
DROP TABLE import_uploads;
DROP TABLE import_refs;
