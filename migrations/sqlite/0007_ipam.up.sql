-- IP address management: pools of addresses, the subnets allocated from
-- them, their reverse DNS, and the history of allocations.
--
-- Addresses are kept as BLOBs in network byte order (4 bytes for IPv4, 16
-- for IPv6), which SQLite compares like numbers: a pool's subnets are found
-- in address order through the (pool_id, first_addr) index. The subnet is
-- also kept as text ("198.51.100.7/32") for people and for the export.
CREATE TABLE ip_pools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    cidr TEXT NOT NULL,
    family INTEGER NOT NULL CHECK (family IN (4, 6)),
    first_addr BLOB NOT NULL,
    last_addr BLOB NOT NULL,
    -- prefix length of the subnets given to configurations (32: one IPv4 address)
    subnet_length INTEGER NOT NULL CHECK (subnet_length BETWEEN 1 AND 128),
    -- addresses, prefixes and ranges kept out of allocation, one a line, as typed
    reserved TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    -- no free subnet of subnet_length starts below this address: where the
    -- search for a free subnet begins (lowered when a subnet becomes free)
    next_hint BLOB,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Pools never overlap (the store checks first and names the other pool;
-- this is the safety net).
CREATE TRIGGER ip_pools_no_overlap BEFORE INSERT ON ip_pools
WHEN EXISTS (SELECT 1 FROM ip_pools p WHERE p.family = NEW.family
    AND p.first_addr <= NEW.last_addr AND p.last_addr >= NEW.first_addr)
BEGIN
    SELECT RAISE(ABORT, 'ip pools overlap');
END;
CREATE TRIGGER ip_pools_no_overlap_update BEFORE UPDATE OF first_addr, last_addr ON ip_pools
WHEN EXISTS (SELECT 1 FROM ip_pools p WHERE p.id <> NEW.id AND p.family = NEW.family
    AND p.first_addr <= NEW.last_addr AND p.last_addr >= NEW.first_addr)
BEGIN
    SELECT RAISE(ABORT, 'ip pools overlap');
END;

-- Which pools serve an offer's new configurations, lower priority first.
CREATE TABLE ip_pool_offers (
    pool_id INTEGER NOT NULL REFERENCES ip_pools (id) ON DELETE CASCADE,
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    priority INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (pool_id, offer_id)
);
CREATE INDEX ip_pool_offers_offer ON ip_pool_offers (offer_id, priority);

-- A subnet taken from a pool: given to a subscription (kind auto or
-- manual), or kept out (kind reserved, from the pool's reserved list, or
-- manual without a subscription). A released subnet stays taken until
-- reusable_after; the allocator deletes it then.
CREATE TABLE ip_allocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id INTEGER NOT NULL REFERENCES ip_pools (id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('auto', 'manual', 'reserved')),
    subnet TEXT NOT NULL,
    first_addr BLOB NOT NULL,
    last_addr BLOB NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- reverse DNS delegation of the subnet: name servers, one a line
    nameservers TEXT NOT NULL DEFAULT '',
    allocated_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    reusable_after TIMESTAMP,
    CHECK (first_addr <= last_addr)
);
CREATE UNIQUE INDEX ip_allocations_pool_first ON ip_allocations (pool_id, first_addr);
CREATE INDEX ip_allocations_subscription ON ip_allocations (subscription_id);
CREATE INDEX ip_allocations_reusable ON ip_allocations (pool_id, reusable_after) WHERE reusable_after IS NOT NULL;
-- No two subnets of a pool overlap. Existing subnets never overlap, so the
-- one starting last at or before the new one's end is the only candidate:
-- one indexed lookup, as PostgreSQL's exclusion constraint does.
CREATE TRIGGER ip_allocations_no_overlap BEFORE INSERT ON ip_allocations
WHEN (SELECT a.last_addr FROM ip_allocations a WHERE a.pool_id = NEW.pool_id
    AND a.first_addr <= NEW.last_addr ORDER BY a.first_addr DESC LIMIT 1) >= NEW.first_addr
BEGIN
    SELECT RAISE(ABORT, 'ip allocations overlap');
END;

-- PTR names of single addresses inside an allocation.
CREATE TABLE ip_ptr_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    allocation_id INTEGER NOT NULL REFERENCES ip_allocations (id) ON DELETE CASCADE,
    address TEXT NOT NULL UNIQUE,
    addr BLOB NOT NULL,
    name TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ip_ptr_records_allocation ON ip_ptr_records (allocation_id, addr);

-- Every allocation and release, with the ip.allocation_message text.
CREATE TABLE ip_allocation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id INTEGER NOT NULL REFERENCES ip_pools (id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subnet TEXT NOT NULL,
    message TEXT NOT NULL,
    -- who did it (NULL: coin itself, e.g. the deprovision job)
    actor_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ip_allocation_log_pool ON ip_allocation_log (pool_id, id);
