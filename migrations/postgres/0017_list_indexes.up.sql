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

-- The planner's statistics for the new indexes (autovacuum keeps them).
ANALYZE invoices;
ANALYZE payments;
ANALYZE outbox;
ANALYZE subscriptions;
