DROP TABLE audit_log;
DROP FUNCTION coin_audit_log_append_only();
