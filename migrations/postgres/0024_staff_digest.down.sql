DROP INDEX hook_runs_started;
DROP TABLE staff_digests;
