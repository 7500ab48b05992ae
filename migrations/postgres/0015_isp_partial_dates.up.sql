-- creationDate and ffdnMemberSince of db.ffdn.org's format 0.1 are strings
-- (shared/ffdn/isp-0.1.json: "type": "string", ISO 8601, no format): a
-- year (2011) or a month (2011-03) is as valid as a day. They become text,
-- '' when not given.
ALTER TABLE isp ALTER COLUMN creation_date TYPE TEXT USING COALESCE(to_char(creation_date, 'YYYY-MM-DD'), '');
ALTER TABLE isp ALTER COLUMN creation_date SET DEFAULT '';
ALTER TABLE isp ALTER COLUMN creation_date SET NOT NULL;
ALTER TABLE isp ALTER COLUMN ffdn_member_since TYPE TEXT USING COALESCE(to_char(ffdn_member_since, 'YYYY-MM-DD'), '');
ALTER TABLE isp ALTER COLUMN ffdn_member_since SET DEFAULT '';
ALTER TABLE isp ALTER COLUMN ffdn_member_since SET NOT NULL;
