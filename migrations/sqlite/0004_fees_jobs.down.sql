DROP TABLE job_runs;
DROP TABLE membership_fee_reminders;
DROP TABLE membership_fees;
