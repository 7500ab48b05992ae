-- Hardware provisioning: what the association owns or keeps, and what it
-- lends to members.
CREATE TABLE item_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE storage_places (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    designation TEXT NOT NULL,
    type_id INTEGER NOT NULL REFERENCES item_types (id),
    -- lower-case colon form (aa:bb:cc:dd:ee:ff), '' when the item has none
    mac_address TEXT NOT NULL DEFAULT '',
    serial_number TEXT NOT NULL DEFAULT '',
    buy_date DATE,
    -- NULL: the association owns it. A member's item left with the
    -- association falls back to it when the member's account is deleted.
    owner_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    storage_id INTEGER REFERENCES storage_places (id),
    -- in service in the association's own network (not on loan)
    deployed BOOLEAN NOT NULL DEFAULT FALSE,
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX items_mac_address ON items (mac_address) WHERE mac_address <> '';
CREATE UNIQUE INDEX items_serial_number ON items (serial_number) WHERE serial_number <> '';
CREATE INDEX items_type ON items (type_id);
CREATE INDEX items_storage ON items (storage_id);

CREATE TABLE loans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    start_date DATE NOT NULL,
    -- NULL while the item is out
    end_date DATE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
-- An item is lent to one member at a time: at most one open loan per item.
CREATE UNIQUE INDEX loans_one_open_per_item ON loans (item_id) WHERE end_date IS NULL;
CREATE INDEX loans_member ON loans (member_id, start_date);

-- Mailing lists whose subscribers coin keeps and pushes to the list server
-- with maillists.sync_command.
CREATE TABLE mailing_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    short_name TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- members may subscribe themselves in the portal
    open BOOLEAN NOT NULL DEFAULT TRUE,
    -- sync state: a change sets sync_needed and bumps change_seq in its own
    -- transaction; a push clears sync_needed only if change_seq did not move
    -- while it ran.
    sync_needed BOOLEAN NOT NULL DEFAULT TRUE,
    change_seq INTEGER NOT NULL DEFAULT 0,
    next_sync_at TIMESTAMP,
    -- consecutive failed pushes, for the backoff
    sync_failures INTEGER NOT NULL DEFAULT 0,
    last_synced_at TIMESTAMP,
    last_sync_error TEXT NOT NULL DEFAULT '',
    -- lease of the process pushing the list, so that two never push at once
    sync_lock_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX mailing_lists_due ON mailing_lists (sync_needed, next_sync_at);

CREATE TABLE mailing_list_subscriptions (
    list_id INTEGER NOT NULL REFERENCES mailing_lists (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (list_id, member_id)
);
CREATE INDEX mailing_list_subscriptions_member ON mailing_list_subscriptions (member_id);

-- One row per run of the sync command, kept for staff (last 100 per list).
CREATE TABLE mailing_list_syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id INTEGER NOT NULL REFERENCES mailing_lists (id) ON DELETE CASCADE,
    started_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL,
    addresses INTEGER NOT NULL,
    -- -1 when the command did not start or was killed
    exit_code INTEGER NOT NULL,
    output TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mailing_list_syncs_list ON mailing_list_syncs (list_id, id);
