-- Back to DATE columns: a year or a month becomes its first day.
ALTER TABLE isp ADD COLUMN creation_on DATE;
ALTER TABLE isp ADD COLUMN ffdn_member_on DATE;
UPDATE isp SET
    creation_on = CASE length(creation_date) WHEN 4 THEN creation_date || '-01-01'
        WHEN 7 THEN creation_date || '-01' WHEN 10 THEN creation_date ELSE NULL END,
    ffdn_member_on = CASE length(ffdn_member_since) WHEN 4 THEN ffdn_member_since || '-01-01'
        WHEN 7 THEN ffdn_member_since || '-01' WHEN 10 THEN ffdn_member_since ELSE NULL END;
ALTER TABLE isp DROP COLUMN creation_date;
ALTER TABLE isp DROP COLUMN ffdn_member_since;
ALTER TABLE isp RENAME COLUMN creation_on TO creation_date;
ALTER TABLE isp RENAME COLUMN ffdn_member_on TO ffdn_member_since;
