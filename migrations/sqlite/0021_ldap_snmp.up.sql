-- LDAP sync of VPN and DSL configurations, and SNMP polling of devices.

-- The password of a configuration in the form LDAP stores it ({SSHA}…),
-- computed when the password is set: coin never keeps it in clear.
ALTER TABLE configurations ADD COLUMN ldap_password TEXT NOT NULL DEFAULT '';

-- One row per subscription whose configuration goes to LDAP: whether a
-- change waits to be written, and the retries with backoff.
CREATE TABLE ldap_sync (
    subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
    pending BOOLEAN NOT NULL DEFAULT TRUE,
    -- bumped by every change, so a push that ran meanwhile leaves it pending
    change_seq INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_synced_at TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    dn TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ldap_sync_due ON ldap_sync (pending, next_attempt_at);
-- the failing ones, for the staff digest
CREATE INDEX ldap_sync_failing ON ldap_sync (updated_at) WHERE last_error <> '';

-- The SNMP agent of an inventory item that is a network device.
CREATE TABLE snmp_targets (
    item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    port INTEGER NOT NULL DEFAULT 161,
    -- 'v2c' or 'v3'
    version TEXT NOT NULL,
    community TEXT NOT NULL DEFAULT '',
    v3_user TEXT NOT NULL DEFAULT '',
    -- '', 'MD5', 'SHA', 'SHA256', 'SHA512'
    auth_protocol TEXT NOT NULL DEFAULT '',
    auth_password TEXT NOT NULL DEFAULT '',
    -- '', 'DES', 'AES'
    priv_protocol TEXT NOT NULL DEFAULT '',
    priv_password TEXT NOT NULL DEFAULT '',
    -- 'unknown' until the first poll, then 'up' or 'down'
    status TEXT NOT NULL DEFAULT 'unknown',
    uptime_seconds INTEGER NOT NULL DEFAULT 0,
    last_polled_at TIMESTAMP,
    last_up_at TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX snmp_targets_status ON snmp_targets (status);

-- Interface counters of each poll, kept snmp.retention (7 days).
CREATE TABLE snmp_samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    if_index INTEGER NOT NULL,
    if_name TEXT NOT NULL DEFAULT '',
    -- ifOperStatus: 1 up, 2 down…
    oper_status INTEGER NOT NULL,
    in_octets INTEGER NOT NULL,
    out_octets INTEGER NOT NULL,
    sampled_at TIMESTAMP NOT NULL
);
CREATE INDEX snmp_samples_item ON snmp_samples (item_id, sampled_at);
CREATE INDEX snmp_samples_age ON snmp_samples (sampled_at);
