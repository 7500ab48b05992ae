package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
	"coin/model"
)

// StaffRecipients are the staff accounts with an e-mail address, by id:
// those a daily digest may go to.
func (s *Store) StaffRecipients(ctx context.Context) ([]*Member, error) {
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM members
		WHERE role IN (?, ?, ?) AND email <> '' ORDER BY id`,
		model.RoleAdmin, model.RoleTreasurer, model.RoleSupport)
	if err != nil {
		return nil, fmt.Errorf("staff recipients: %w", err)
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("staff recipients: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountVerifiedSignUps counts the sign-ups whose address is verified and
// that wait for staff to accept them.
func (s *Store) CountVerifiedSignUps(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM members WHERE status = ? AND self_registered
		AND email_verified_at IS NOT NULL`, model.StatusPending).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count verified sign-ups: %w", err)
	}
	return n, nil
}

// FailedHookSubscriptions returns the subscriptions whose hooks failed
// since a moment, with how many runs failed, most failures first (at most
// limit). It reads the runs since then only (index on started_at).
func (s *Store) FailedHookSubscriptions(ctx context.Context, since time.Time, limit int) (map[int64]int, []int64, error) {
	rows, err := s.query(ctx, `SELECT subscription_id, COUNT(*) FROM hook_runs
		WHERE started_at >= ? AND (error <> '' OR exit_code IS NULL OR exit_code <> 0)
		GROUP BY subscription_id ORDER BY COUNT(*) DESC, subscription_id LIMIT ?`, since.UTC(), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("failed hooks since %s: %w", since, err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	var order []int64
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, nil, fmt.Errorf("failed hooks: %w", err)
		}
		counts[id] = n
		order = append(order, id)
	}
	return counts, order, rows.Err()
}

// FailingLists returns the mailing lists whose last push failed.
func (s *Store) FailingLists(ctx context.Context) ([]*MailingList, error) {
	lists, err := s.MailingLists(ctx)
	if err != nil {
		return nil, err
	}
	var out []*MailingList
	for _, l := range lists {
		if l.Failing() {
			out = append(out, l)
		}
	}
	return out, nil
}

// ClaimStaffDigest records that member's digest of day is being sent, in
// the transaction that queues it; false when it already was.
func (s *Store) ClaimStaffDigest(ctx context.Context, memberID int64, day date.Date) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO staff_digests (member_id, day) VALUES (?, ?)
		ON CONFLICT (member_id, day) DO NOTHING`, memberID, day)
	if err != nil {
		return false, fmt.Errorf("claim digest of member %d for %s: %w", memberID, day, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
