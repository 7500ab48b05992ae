DROP TABLE outbox;
DROP TABLE member_tokens;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE members;
