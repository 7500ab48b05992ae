package store

import (
	"context"
	"fmt"
	"time"
)

// ListSync is one run of the sync command for a list.
type ListSync struct {
	ID        int64
	ListID    int64
	StartedAt time.Time
	Duration  time.Duration
	Addresses int    // how many addresses were given on stdin
	ExitCode  int    // -1 when the command did not start or was killed
	Output    string // standard output and error, cut to a few KB
	Error     string // "" when the push succeeded
}

// OK tells whether the push succeeded.
func (r *ListSync) OK() bool { return r.Error == "" }

// keptSyncRuns is how many runs are kept per list.
const keptSyncRuns = 100

// DueMailingLists returns the ids of the lists waiting for a push whose
// next attempt is due and that no process is pushing.
func (s *Store) DueMailingLists(ctx context.Context) ([]int64, error) {
	now := s.now()
	rows, err := s.query(ctx, `SELECT id FROM mailing_lists WHERE sync_needed
		AND (next_sync_at IS NULL OR next_sync_at <= ?)
		AND (sync_lock_until IS NULL OR sync_lock_until < ?) ORDER BY id`, now, now)
	if err != nil {
		return nil, fmt.Errorf("due mailing lists: %w", err)
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

// ClaimListSync takes the lease of pushing a list until the given time and
// returns the list as it stands. It returns nil when another run holds an
// unexpired lease.
func (s *Store) ClaimListSync(ctx context.Context, id int64, until time.Time) (*MailingList, error) {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE mailing_lists SET sync_lock_until = ?
		WHERE id = ? AND (sync_lock_until IS NULL OR sync_lock_until < ?)`, until.UTC(), id, now)
	if err != nil {
		return nil, fmt.Errorf("claim sync of list %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return nil, err
		}
		if _, err := s.MailingListByID(ctx, id); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return s.MailingListByID(ctx, id)
}

// FinishListSync records a run and releases the lease, in one transaction.
// After a success the list is clean unless it changed since seq (the
// ChangeSeq read when the run started); after a failure it is retried at retryAt.
func (s *Store) FinishListSync(ctx context.Context, run *ListSync, seq int64, retryAt time.Time) error {
	if len(run.Error) > 2000 {
		run.Error = run.Error[:2000]
	}
	return s.Tx(ctx, func(tx *Store) error {
		id, err := tx.insert(ctx, `INSERT INTO mailing_list_syncs (list_id, started_at, duration_ms,
			addresses, exit_code, output, error) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			run.ListID, run.StartedAt.UTC(), run.Duration.Milliseconds(), run.Addresses, run.ExitCode,
			run.Output, run.Error)
		if err != nil {
			return fmt.Errorf("record sync of list %d: %w", run.ListID, err)
		}
		run.ID = id
		now := tx.now()
		if run.OK() {
			_, err = tx.exec(ctx, `UPDATE mailing_lists SET
				sync_needed = CASE WHEN change_seq = ? THEN FALSE ELSE TRUE END,
				sync_failures = 0, last_synced_at = ?, last_sync_error = '', next_sync_at = ?,
				sync_lock_until = NULL WHERE id = ?`, seq, run.StartedAt.UTC(), now, run.ListID)
		} else {
			_, err = tx.exec(ctx, `UPDATE mailing_lists SET sync_failures = sync_failures + 1,
				last_sync_error = ?, next_sync_at = ?, sync_lock_until = NULL WHERE id = ?`,
				run.Error, retryAt.UTC(), run.ListID)
		}
		if err != nil {
			return fmt.Errorf("finish sync of list %d: %w", run.ListID, err)
		}
		_, err = tx.exec(ctx, `DELETE FROM mailing_list_syncs WHERE list_id = ? AND id NOT IN
			(SELECT id FROM mailing_list_syncs WHERE list_id = ? ORDER BY id DESC LIMIT ?)`,
			run.ListID, run.ListID, keptSyncRuns)
		if err != nil {
			return fmt.Errorf("prune sync log of list %d: %w", run.ListID, err)
		}
		return nil
	})
}

// ReleaseListSync gives the lease back without recording a run (the
// command could not even be prepared).
func (s *Store) ReleaseListSync(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `UPDATE mailing_lists SET sync_lock_until = NULL WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("release sync of list %d: %w", id, err)
	}
	return nil
}

// ListSyncs returns the latest runs of a list, newest first.
func (s *Store) ListSyncs(ctx context.Context, listID int64, limit int) ([]*ListSync, error) {
	rows, err := s.query(ctx, `SELECT id, list_id, started_at, duration_ms, addresses, exit_code,
		output, error FROM mailing_list_syncs WHERE list_id = ? ORDER BY id DESC LIMIT ?`, listID, limit)
	if err != nil {
		return nil, fmt.Errorf("sync log of list %d: %w", listID, err)
	}
	defer rows.Close()
	var out []*ListSync
	for rows.Next() {
		var r ListSync
		var ms int64
		if err := rows.Scan(&r.ID, &r.ListID, &r.StartedAt, &ms, &r.Addresses, &r.ExitCode, &r.Output, &r.Error); err != nil {
			return nil, fmt.Errorf("scan sync run: %w", err)
		}
		r.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, &r)
	}
	return out, rows.Err()
}
