-- Links to the association's statutes and privacy notice, which a visitor
-- signing up must accept, and when each member accepted them.
ALTER TABLE isp ADD COLUMN statutes_url TEXT NOT NULL DEFAULT '';
ALTER TABLE isp ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN terms_accepted_at TIMESTAMP;
