-- creationDate and ffdnMemberSince of db.ffdn.org's format 0.1 are strings
-- (shared/ffdn/isp-0.1.json: "type": "string", ISO 8601, no format): a
-- year (2011) or a month (2011-03) is as valid as a day. They become text,
-- '' when not given.
ALTER TABLE isp ADD COLUMN creation_on TEXT NOT NULL DEFAULT '';
ALTER TABLE isp ADD COLUMN ffdn_member_on TEXT NOT NULL DEFAULT '';
UPDATE isp SET creation_on = COALESCE(substr(creation_date, 1, 10), ''),
    ffdn_member_on = COALESCE(substr(ffdn_member_since, 1, 10), '');
ALTER TABLE isp DROP COLUMN creation_date;
ALTER TABLE isp DROP COLUMN ffdn_member_since;
ALTER TABLE isp RENAME COLUMN creation_on TO creation_date;
ALTER TABLE isp RENAME COLUMN ffdn_member_on TO ffdn_member_since;
