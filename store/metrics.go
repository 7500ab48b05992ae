package store

import (
	"context"
	"fmt"

	"coin/date"
	"coin/model"
)

// The figures of /metrics, read at each scrape: every query here walks an
// index range whose size is what is live now (members who are members or
// pending, subscriptions not ended), never the history that only grows.

// CountLiveMembers counts the members of status member and pending, from
// the index members_status. Former members (not_member) are left out: they
// only accumulate, and counting them would walk all of them at each scrape.
func (s *Store) CountLiveMembers(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT status, COUNT(*) FROM members WHERE status IN (?, ?) GROUP BY status`,
		model.StatusMember, model.StatusPending)
	if err != nil {
		return nil, fmt.Errorf("count live members: %w", err)
	}
	defer rows.Close()
	out := map[string]int{model.StatusMember: 0, model.StatusPending: 0}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count live members: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// SubscriptionStates counts the subscriptions not ended on a day.
type SubscriptionStates struct {
	Active    int // started, giving service
	Suspended int // started, suspended
	Upcoming  int // starting after the day
}

// CountSubscriptionStates counts the subscriptions not ended on day by
// state. The two branches read the index subscriptions_resign from its
// NULLs and from day on: ended subscriptions, the history, are not read.
func (s *Store) CountSubscriptionStates(ctx context.Context, day date.Date) (SubscriptionStates, error) {
	var st SubscriptionStates
	var total int
	err := s.queryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN start_date > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN start_date <= ? AND suspended THEN 1 ELSE 0 END), 0)
		FROM (SELECT start_date, suspended FROM subscriptions WHERE resign_date IS NULL
			UNION ALL SELECT start_date, suspended FROM subscriptions WHERE resign_date > ?) live`,
		day, day, day).Scan(&total, &st.Upcoming, &st.Suspended)
	if err != nil {
		return st, fmt.Errorf("count subscription states: %w", err)
	}
	st.Active = total - st.Upcoming - st.Suspended
	return st, nil
}

// DatabaseSize is the size of the database in bytes: on SQLite its pages
// (page_count × page_size: the file's size once the WAL is checkpointed),
// on PostgreSQL pg_database_size of the current database (the whole
// database, every schema in it, when several instances share it). Both read
// a header or the catalog, not the tables.
func (s *Store) DatabaseSize(ctx context.Context) (int64, error) {
	q := `SELECT pg_database_size(current_database())`
	if s.dialect == SQLite {
		q = `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
	}
	var n int64
	if err := s.queryRow(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}
