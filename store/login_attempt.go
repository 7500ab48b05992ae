package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RecordLoginAttempt notes a sign-in attempt for rate limiting.
func (s *Store) RecordLoginAttempt(ctx context.Context, login, ip string, success bool) error {
	_, err := s.exec(ctx, `INSERT INTO login_attempts (login, ip, at, success) VALUES (?, ?, ?, ?)`,
		strings.ToLower(strings.TrimSpace(login)), ip, s.now(), success)
	if err != nil {
		return fmt.Errorf("record login attempt: %w", err)
	}
	return nil
}

// FailedLoginAttempts counts failures since a time, for a login and for an IP.
func (s *Store) FailedLoginAttempts(ctx context.Context, login, ip string, since time.Time) (byLogin, byIP int, err error) {
	login = strings.ToLower(strings.TrimSpace(login))
	err = s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM login_attempts WHERE login = ? AND at > ? AND NOT success),
		(SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND at > ? AND NOT success)`,
		login, since.UTC(), ip, since.UTC()).Scan(&byLogin, &byIP)
	if err != nil {
		return 0, 0, fmt.Errorf("count failed logins: %w", err)
	}
	return byLogin, byIP, nil
}

// DeleteLoginAttempts forgets attempts older than before.
func (s *Store) DeleteLoginAttempts(ctx context.Context, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, before.UTC()); err != nil {
		return fmt.Errorf("delete old login attempts: %w", err)
	}
	return nil
}
