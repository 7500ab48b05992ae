-- Every page reads from indexes (issue 16): lists walk an index in their
-- order, totals are one pass over a covering index, the dashboard's sums one
-- pass over a small partial index, instead of reading every row (and, for
-- invoices, every PDF).

-- Open invoices (validated, not fully paid): the dashboard, the "open" and
-- "overdue" filters. Small: it holds only what is still owed. kind leads so
-- that every query on it has an equality to search by.
CREATE INDEX invoices_open ON invoices (kind, due_date, member_id, status, issue_date, total_cents, paid_cents)
    WHERE status = 'validated' AND paid_cents < total_cents;

-- The invoices list: its order, the columns of its totals and of the search
-- by number, so that a count never reads the rows.
DROP INDEX IF EXISTS invoices_status;
CREATE INDEX invoices_list ON invoices (status, issue_date DESC, id DESC, kind, member_id, total_cents, paid_cents, due_date, number);

-- A member's invoices (portal, member page, payments): the same, per member.
DROP INDEX IF EXISTS invoices_member;
CREATE INDEX invoices_member ON invoices (member_id, status, issue_date DESC, id DESC, kind, total_cents, paid_cents, due_date);

-- The payments list: its order, and the columns of its filters and sum.
CREATE INDEX payments_list ON payments (payment_date DESC, id DESC, method, member_id, amount_cents);

-- The outbox filtered by status, newest first.
CREATE INDEX outbox_status ON outbox (status, id);

-- The member search (search_key LIKE '%…%') and its count read this
-- narrow index instead of every member's row.
CREATE INDEX members_search ON members (search_key, status, role);

-- Subscriptions newest first, and active on a day (dashboard), in all and
-- by offer.
CREATE INDEX subscriptions_start ON subscriptions (start_date DESC, id DESC, resign_date, offer_id, member_id);
DROP INDEX IF EXISTS subscriptions_offer;
CREATE INDEX subscriptions_offer ON subscriptions (offer_id, start_date, resign_date);

-- Without statistics SQLite's planner guesses, and with several covering
-- indexes it guesses wrong: a member's invoice count by status walked every
-- validated invoice of everybody. These are the shapes of the data, not
-- counts (rows per member, per status, per day…), so they stay true as the
-- history grows; a later ANALYZE replaces them with measured ones. ANALYZE of
-- sqlite_schema only creates the sqlite_stat1 table.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('invoices', 'payments', 'outbox', 'subscriptions');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('invoices', 'sqlite_autoindex_invoices_1', '100000 1'),
    ('invoices', 'invoices_member', '100000 12 10 1 1 1 1 1 1'),
    ('invoices', 'invoices_list', '100000 50000 8000 1 1 1 1 1 1 1'),
    ('invoices', 'invoices_open', '5000 2500 10 1 1 1 1 1'),
    ('payments', 'sqlite_autoindex_payments_1', '100000 1'),
    ('payments', 'payments_member', '100000 10 1'),
    ('payments', 'payments_list', '100000 300 1 1 1 1'),
    ('outbox', 'outbox_due', '100000 30000 10'),
    ('outbox', 'outbox_member', '100000 10'),
    ('outbox', 'outbox_status', '100000 30000 1'),
    ('subscriptions', 'subscriptions_member', '12000 2'),
    ('subscriptions', 'subscriptions_offer', '12000 1500 5 2'),
    ('subscriptions', 'subscriptions_resign', '12000 10'),
    ('subscriptions', 'subscriptions_start', '12000 5 1 1 1 1');
