-- Hits on actions limited per key within a window (e-mails sent from public
-- forms, sign-up attempts), counted in the database like login_attempts so
-- that limits hold across restarts and parallel requests.
CREATE TABLE throttle_hits (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_hits_key ON throttle_hits (key, at);
CREATE INDEX throttle_hits_at ON throttle_hits (at);
CREATE INDEX login_attempts_at ON login_attempts (at);
