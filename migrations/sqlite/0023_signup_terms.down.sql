ALTER TABLE members DROP COLUMN terms_accepted_at;
ALTER TABLE isp DROP COLUMN privacy_url;
ALTER TABLE isp DROP COLUMN statutes_url;
