DROP TABLE snmp_samples;
DROP TABLE snmp_targets;
DROP TABLE ldap_sync;
ALTER TABLE configurations DROP COLUMN ldap_password;
