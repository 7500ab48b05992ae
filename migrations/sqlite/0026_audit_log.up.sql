-- Who did what to which record, when and from where: appended in the
-- transaction of the change and never changed, but for one thing: the
-- anonymisation of a member blanks the values of the entries about them
-- (redacted goes from 0 to 1 and changes becomes ''), nothing else.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id INTEGER,
    member_id INTEGER,
    changes TEXT NOT NULL DEFAULT '',
    redacted BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, id);
CREATE INDEX audit_log_member ON audit_log (member_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_at ON audit_log (at, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.changes = ''
    AND NEW.id = OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor IS OLD.actor
    AND NEW.ip IS OLD.ip AND NEW.action IS OLD.action AND NEW.record_type IS OLD.record_type
    AND NEW.record_id IS OLD.record_id AND NEW.member_id IS OLD.member_id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
