DROP TABLE hook_runs;
DROP TABLE configurations;
DROP TABLE subscriptions;
DROP TABLE offers;
