-- Members are searched on one folded column (lower case, no accents: see
-- store.Fold), filled by coin on every write and after migrating.
ALTER TABLE members ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
