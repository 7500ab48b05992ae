-- The ISP's SIREN (French company register number, 9 digits), which names
-- the FEC file: <SIREN>FEC<YYYYMMDD>.txt. Empty when not given.
ALTER TABLE isp ADD COLUMN siren TEXT NOT NULL DEFAULT '';
