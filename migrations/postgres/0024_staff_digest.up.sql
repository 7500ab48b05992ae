-- One digest per staff member per day: the row is written in the
-- transaction that queues the e-mail, so a second run the same day (or a
-- second instance) sends nothing.
CREATE TABLE staff_digests (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    PRIMARY KEY (member_id, day)
);
-- The digest counts the hook runs that failed since the last one.
CREATE INDEX hook_runs_started ON hook_runs (started_at);
