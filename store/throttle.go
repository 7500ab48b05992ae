package store

import (
	"context"
	"fmt"
	"time"
)

// Hit records one use of the action keyed key, then counts its uses since a
// time, this one included. As with ReserveLoginAttempt, recording first is
// what makes a limit hold under parallel requests: the k-th hit counts at
// least k.
func (s *Store) Hit(ctx context.Context, key string, since time.Time) (int, error) {
	if _, err := s.exec(ctx, `INSERT INTO throttle_hits (key, at) VALUES (?, ?)`, key, s.now()); err != nil {
		return 0, fmt.Errorf("record hit %s: %w", key, err)
	}
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM throttle_hits WHERE key = ? AND at > ?`, key, since.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count hits %s: %w", key, err)
	}
	return n, nil
}

// DeleteHits forgets hits older than before.
func (s *Store) DeleteHits(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM throttle_hits WHERE at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete old hits: %w", err)
	}
	return res.RowsAffected()
}
