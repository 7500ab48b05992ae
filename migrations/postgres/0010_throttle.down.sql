DROP INDEX login_attempts_at;
DROP TABLE throttle_hits;
