package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReserveLoginAttempt records a sign-in attempt as a failure, then counts
// the failures since a time for the login and address pair, the login and
// the address, this attempt included. Recording before counting is what
// makes the limit hold under parallel attempts with no lock: the k-th
// attempt to be recorded counts at least k. A success is marked afterwards
// with LoginSucceeded.
func (s *Store) ReserveLoginAttempt(ctx context.Context, login, ip string, since time.Time) (id int64, pair, byLogin, byIP int, err error) {
	login = strings.ToLower(strings.TrimSpace(login))
	id, err = s.insert(ctx, `INSERT INTO login_attempts (login, ip, at, success) VALUES (?, ?, ?, ?)`,
		login, ip, s.now(), false)
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("record login attempt: %w", err)
	}
	err = s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM login_attempts WHERE login = ? AND at > ? AND ip = ? AND NOT success),
		(SELECT COUNT(*) FROM login_attempts WHERE login = ? AND at > ? AND NOT success),
		(SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND at > ? AND NOT success)`,
		login, since.UTC(), ip, login, since.UTC(), ip, since.UTC()).Scan(&pair, &byLogin, &byIP)
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("count failed logins: %w", err)
	}
	return id, pair, byLogin, byIP, nil
}

// LoginSucceeded marks a reserved attempt as a success, which no limit counts.
func (s *Store) LoginSucceeded(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE login_attempts SET success = ? WHERE id = ?`, true, id); err != nil {
		return fmt.Errorf("mark login attempt %d: %w", id, err)
	}
	return nil
}

// DeleteLoginAttempts forgets attempts older than before.
func (s *Store) DeleteLoginAttempts(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete old login attempts: %w", err)
	}
	return res.RowsAffected()
}
