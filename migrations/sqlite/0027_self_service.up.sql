-- What members ask from the portal. A 'subscribe' request waits for staff
-- (pending) until they approve it, creating subscription_id, or refuse it
-- with a reason. A 'resign' notice is recorded as given (status
-- 'recorded'): it ends subscription_id (NULL: the membership) on end_date.
CREATE TABLE member_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('subscribe', 'resign')),
    offer_id INTEGER REFERENCES offers (id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    end_date DATE,
    comments TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'recorded')),
    reason TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
-- The back office lists what waits (pending) and the notices to come.
CREATE INDEX member_requests_status ON member_requests (kind, status, created_at);
CREATE INDEX member_requests_end ON member_requests (kind, end_date);
-- The portal lists a member's own.
CREATE INDEX member_requests_member ON member_requests (member_id, created_at);
