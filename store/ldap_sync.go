package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LDAPSync is where the LDAP entry of a subscription's configuration
// stands: a change waiting to be written (Pending), the retries of a
// failing write.
type LDAPSync struct {
	SubscriptionID int64
	Pending        bool
	ChangeSeq      int64
	Failures       int
	NextAttemptAt  *time.Time
	LastSyncedAt   *time.Time
	LastError      string
	DN             string
	UpdatedAt      time.Time
}

const ldapSyncColumns = `subscription_id, pending, change_seq, failures, next_attempt_at,
	last_synced_at, last_error, dn, updated_at`

func scanLDAPSync(row scanner) (*LDAPSync, error) {
	var l LDAPSync
	err := row.Scan(&l.SubscriptionID, &l.Pending, &l.ChangeSeq, &l.Failures, &l.NextAttemptAt,
		&l.LastSyncedAt, &l.LastError, &l.DN, &l.UpdatedAt)
	return &l, err
}

// MarkLDAPPending records, in the transaction of a change, that the
// subscription's entry must be written again, now.
func (s *Store) MarkLDAPPending(ctx context.Context, subscriptionID int64) error {
	now := s.now()
	_, err := s.exec(ctx, `INSERT INTO ldap_sync (subscription_id, pending, change_seq, next_attempt_at, updated_at)
		VALUES (?, TRUE, 1, ?, ?) ON CONFLICT (subscription_id) DO UPDATE SET pending = TRUE,
		change_seq = ldap_sync.change_seq + 1, next_attempt_at = excluded.next_attempt_at,
		updated_at = excluded.updated_at`, subscriptionID, now, now)
	if err != nil {
		return fmt.Errorf("mark LDAP entry of subscription %d pending: %w", subscriptionID, err)
	}
	return nil
}

// LDAPSyncOf returns the sync state of a subscription, nil when it never
// went to LDAP.
func (s *Store) LDAPSyncOf(ctx context.Context, subscriptionID int64) (*LDAPSync, error) {
	l, err := scanLDAPSync(s.queryRow(ctx, `SELECT `+ldapSyncColumns+` FROM ldap_sync
		WHERE subscription_id = ?`, subscriptionID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("LDAP sync of subscription %d: %w", subscriptionID, err)
	}
	return l, nil
}

// DueLDAPSyncs returns up to limit subscriptions whose entry waits to be
// written and whose next attempt has come, the longest waiting first.
func (s *Store) DueLDAPSyncs(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT subscription_id FROM ldap_sync WHERE pending
		AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY next_attempt_at, subscription_id
		LIMIT ?`, s.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("due LDAP syncs: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FinishLDAPSync records the outcome of writing an entry whose state was
// read at change seq. A success clears Pending unless a change came
// meanwhile; a failure counts and sets the next attempt.
func (s *Store) FinishLDAPSync(ctx context.Context, subscriptionID, seq int64, dn string, failure error, retryAt time.Time) error {
	now := s.now()
	var err error
	if failure == nil {
		_, err = s.exec(ctx, `INSERT INTO ldap_sync (subscription_id, pending, change_seq, last_synced_at, dn, updated_at)
			VALUES (?, FALSE, 0, ?, ?, ?) ON CONFLICT (subscription_id) DO UPDATE SET
			pending = CASE WHEN ldap_sync.change_seq = ? THEN FALSE ELSE TRUE END, failures = 0,
			last_error = '', last_synced_at = excluded.last_synced_at, dn = excluded.dn,
			updated_at = excluded.updated_at`, subscriptionID, now, dn, now, seq)
	} else {
		msg := failure.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		_, err = s.exec(ctx, `INSERT INTO ldap_sync (subscription_id, pending, change_seq, failures,
			next_attempt_at, last_error, updated_at) VALUES (?, TRUE, 0, 1, ?, ?, ?)
			ON CONFLICT (subscription_id) DO UPDATE SET pending = TRUE, failures = ldap_sync.failures + 1,
			next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error,
			updated_at = excluded.updated_at`, subscriptionID, retryAt.UTC(), msg, now)
	}
	if err != nil {
		return fmt.Errorf("finish LDAP sync of subscription %d: %w", subscriptionID, err)
	}
	return nil
}

// ConfigurationSubscriptions returns the subscriptions whose configuration
// is of one of the backends, by id (for a whole reconcile).
func (s *Store) ConfigurationSubscriptions(ctx context.Context, backends ...string) ([]int64, error) {
	var ids []int64
	for _, b := range backends {
		rows, err := s.query(ctx, `SELECT subscription_id FROM configurations WHERE backend = ?
			ORDER BY subscription_id`, b)
		if err != nil {
			return nil, fmt.Errorf("configurations of %s: %w", b, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// FailingLDAPSyncs returns up to limit entries whose last write failed,
// the most recent failure first (the staff digest).
func (s *Store) FailingLDAPSyncs(ctx context.Context, limit int) ([]*LDAPSync, error) {
	rows, err := s.query(ctx, `SELECT `+ldapSyncColumns+` FROM ldap_sync WHERE last_error <> ''
		ORDER BY updated_at DESC, subscription_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("failing LDAP syncs: %w", err)
	}
	defer rows.Close()
	var out []*LDAPSync
	for rows.Next() {
		l, err := scanLDAPSync(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
