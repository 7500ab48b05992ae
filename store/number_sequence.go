package store

import (
	"context"
	"errors"
	"fmt"

	"coin/date"
)

// ErrChronology is returned when a document would be dated before the last
// one of its sequence: numbers must follow dates.
var ErrChronology = errors.New("date before the last numbered document")

// ReserveNumbers takes n consecutive values of sequence name for year and
// returns the first. It must run in the transaction that uses them, so that
// a rollback gives them back and the sequence has no gap. On PostgreSQL the
// sequence row is locked until that transaction ends; on SQLite the
// transaction already holds the write lock.
func (s *Store) ReserveNumbers(ctx context.Context, name string, year int, day date.Date, n int) (int, error) {
	if !s.inTx {
		return 0, errors.New("ReserveNumbers needs a transaction")
	}
	if _, err := s.exec(ctx, `INSERT INTO number_sequences (name, year, last_value, last_date)
		VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING`, name, year, day); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	var last int
	var lastDate date.Date
	q := `SELECT last_value, last_date FROM number_sequences WHERE name = ? AND year = ?`
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	if err := s.queryRow(ctx, q, name, year).Scan(&last, &lastDate); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	if last > 0 && day.Before(lastDate) {
		return 0, fmt.Errorf("sequence %s: %s is before %s: %w", name, day, lastDate, ErrChronology)
	}
	if _, err := s.exec(ctx, `UPDATE number_sequences SET last_value = ?, last_date = ? WHERE name = ? AND year = ?`,
		last+n, day, name, year); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	return last + 1, nil
}

// LockCharging serialises charge runs on PostgreSQL for the rest of the
// transaction (SQLite transactions are already serialised).
func (s *Store) LockCharging(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := s.exec(ctx, `SELECT pg_advisory_xact_lock(7268)`)
	return err
}
