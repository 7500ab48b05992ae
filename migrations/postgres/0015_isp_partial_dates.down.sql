-- Back to DATE columns: a year or a month becomes its first day.
ALTER TABLE isp ALTER COLUMN creation_date DROP NOT NULL;
ALTER TABLE isp ALTER COLUMN creation_date DROP DEFAULT;
ALTER TABLE isp ALTER COLUMN creation_date TYPE DATE USING CASE length(creation_date)
    WHEN 4 THEN (creation_date || '-01-01')::date WHEN 7 THEN (creation_date || '-01')::date
    WHEN 10 THEN creation_date::date ELSE NULL END;
ALTER TABLE isp ALTER COLUMN ffdn_member_since DROP NOT NULL;
ALTER TABLE isp ALTER COLUMN ffdn_member_since DROP DEFAULT;
ALTER TABLE isp ALTER COLUMN ffdn_member_since TYPE DATE USING CASE length(ffdn_member_since)
    WHEN 4 THEN (ffdn_member_since || '-01-01')::date WHEN 7 THEN (ffdn_member_since || '-01')::date
    WHEN 10 THEN ffdn_member_since::date ELSE NULL END;
