package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// MailingList is a list whose subscribers coin keeps and pushes to the list
// server (maillists.sync_command).
type MailingList struct {
	ID          int64
	ShortName   string // {short_name} of the sync command
	Email       string // {email} of the sync command
	Name        string
	Description string
	Open        bool // members may subscribe themselves

	// Sync state. A change sets SyncNeeded and bumps ChangeSeq; a push
	// clears SyncNeeded unless ChangeSeq moved while it ran.
	SyncNeeded    bool
	ChangeSeq     int64
	NextSyncAt    *time.Time
	SyncFailures  int // consecutive failed pushes
	LastSyncedAt  *time.Time
	LastSyncError string
	SyncLockUntil *time.Time

	Subscribers int // every subscription (in lists)
	Pushed      int // subscriptions of members with status member (in lists)

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Failing tells whether the last push failed.
func (l *MailingList) Failing() bool { return l.SyncFailures > 0 }

const mailingListColumns = `l.id, l.short_name, l.email, l.name, l.description, l.open, l.sync_needed,
	l.change_seq, l.next_sync_at, l.sync_failures, l.last_synced_at, l.last_sync_error,
	l.sync_lock_until, l.created_at, l.updated_at`

func scanMailingList(row scanner, extra ...any) (*MailingList, error) {
	var l MailingList
	dest := []any{&l.ID, &l.ShortName, &l.Email, &l.Name, &l.Description, &l.Open, &l.SyncNeeded,
		&l.ChangeSeq, &l.NextSyncAt, &l.SyncFailures, &l.LastSyncedAt, &l.LastSyncError,
		&l.SyncLockUntil, &l.CreatedAt, &l.UpdatedAt}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	return &l, nil
}

// CreateMailingList adds a list, to be pushed at the next sync. ErrConflict
// when the short name or the address is another list's.
func (s *Store) CreateMailingList(ctx context.Context, l *MailingList) error {
	now := s.now()
	l.CreatedAt, l.UpdatedAt, l.SyncNeeded, l.NextSyncAt = now, now, true, &now
	id, err := s.insert(ctx, `INSERT INTO mailing_lists (short_name, email, name, description, open,
		sync_needed, change_seq, next_sync_at, sync_failures, last_sync_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, TRUE, 1, ?, 0, '', ?, ?)`,
		l.ShortName, l.Email, l.Name, l.Description, l.Open, now, now, now)
	if isUniqueViolation(err) {
		return fmt.Errorf("create mailing list %q: %w", l.ShortName, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create mailing list %q: %w", l.ShortName, err)
	}
	l.ID, l.ChangeSeq = id, 1
	return nil
}

// UpdateMailingList saves the descriptive fields of l. A new short name or
// address means a push to another list: the list is marked for sync.
func (s *Store) UpdateMailingList(ctx context.Context, l *MailingList) error {
	return s.Tx(ctx, func(tx *Store) error {
		old, err := tx.MailingListByID(ctx, l.ID)
		if err != nil {
			return err
		}
		l.UpdatedAt = tx.now()
		_, err = tx.exec(ctx, `UPDATE mailing_lists SET short_name = ?, email = ?, name = ?,
			description = ?, open = ?, updated_at = ? WHERE id = ?`,
			l.ShortName, l.Email, l.Name, l.Description, l.Open, l.UpdatedAt, l.ID)
		if isUniqueViolation(err) {
			return fmt.Errorf("update mailing list %d: %w", l.ID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("update mailing list %d: %w", l.ID, err)
		}
		if old.ShortName != l.ShortName || old.Email != l.Email {
			return tx.markListsDirty(ctx, `id = ?`, l.ID)
		}
		return nil
	})
}

// DeleteMailingList removes a list, its subscriptions and its sync log. The
// list server is not told: its list is left as it was.
func (s *Store) DeleteMailingList(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM mailing_lists WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete mailing list %d: %w", id, err)
	}
	return expectOne(res, "mailing list", id)
}

// MailingListByID returns one list.
func (s *Store) MailingListByID(ctx context.Context, id int64) (*MailingList, error) {
	l, err := scanMailingList(s.queryRow(ctx, `SELECT `+mailingListColumns+` FROM mailing_lists l WHERE l.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "mailing list", id)
	}
	return l, nil
}

// MailingListByShortName returns the list with that short name.
func (s *Store) MailingListByShortName(ctx context.Context, name string) (*MailingList, error) {
	l, err := scanMailingList(s.queryRow(ctx, `SELECT `+mailingListColumns+` FROM mailing_lists l WHERE l.short_name = ?`,
		strings.TrimSpace(name)))
	if err != nil {
		return nil, notFound(err, "mailing list", name)
	}
	return l, nil
}

// MailingLists returns every list by short name, with subscriber counts.
func (s *Store) MailingLists(ctx context.Context) ([]*MailingList, error) {
	rows, err := s.query(ctx, `SELECT `+mailingListColumns+`,
		(SELECT COUNT(*) FROM mailing_list_subscriptions ls WHERE ls.list_id = l.id),
		(SELECT COUNT(*) FROM mailing_list_subscriptions ls JOIN members m ON m.id = ls.member_id
			WHERE ls.list_id = l.id AND m.status = 'member')
		FROM mailing_lists l ORDER BY l.short_name`)
	if err != nil {
		return nil, fmt.Errorf("list mailing lists: %w", err)
	}
	defer rows.Close()
	var out []*MailingList
	for rows.Next() {
		var subs, pushed int
		l, err := scanMailingList(rows, &subs, &pushed)
		if err != nil {
			return nil, fmt.Errorf("scan mailing list: %w", err)
		}
		l.Subscribers, l.Pushed = subs, pushed
		out = append(out, l)
	}
	return out, rows.Err()
}

// markListsDirty marks the lists matching cond (a constant of this package)
// for a push; call it in the transaction of the change.
func (s *Store) markListsDirty(ctx context.Context, cond string, args ...any) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE mailing_lists SET sync_needed = TRUE, change_seq = change_seq + 1,
		next_sync_at = ? WHERE `+cond, append([]any{now}, args...)...)
	if err != nil {
		return fmt.Errorf("mark mailing lists for sync: %w", err)
	}
	return nil
}

// MarkMemberListsDirty marks for a push every list the member is on: call
// it in the transaction of a change of the member's status or address.
func (s *Store) MarkMemberListsDirty(ctx context.Context, memberID int64) error {
	return s.markListsDirty(ctx, `id IN (SELECT list_id FROM mailing_list_subscriptions WHERE member_id = ?)`, memberID)
}

// MemberListIDs returns the ids of the lists the member is on, to push them
// after a change.
func (s *Store) MemberListIDs(ctx context.Context, memberID int64) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT list_id FROM mailing_list_subscriptions WHERE member_id = ? ORDER BY list_id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("lists of member %d: %w", memberID, err)
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
