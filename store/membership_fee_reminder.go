package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// FeeReminder records one reminder sent to a member about the end of their
// latest fee. (MemberID, FeeEnd, Offset) is unique: a reminder goes once.
type FeeReminder struct {
	ID       int64
	MemberID int64
	FeeID    *int64
	FeeEnd   date.Date
	Offset   string // e.g. "-1m"
	DueOn    date.Date
	SentOn   date.Date
	OutboxID *int64
	// CreatedAt is when the reminder was queued.
	CreatedAt time.Time
}

// ReminderCandidate is a member who may be due a reminder: status member,
// reminders on, and the end of their latest fee within the asked window.
type ReminderCandidate struct {
	Member *Member
	FeeID  int64
	FeeEnd date.Date
	Amount int64
}

// FeeReminderCandidates returns members of status "member" with reminders
// on whose latest fee ends between from and to (inclusive). The latest fee
// is the one ending last: a renewal moves the end, so the reminders of the
// period it replaces are never sent. Members who never paid a fee have no
// latest fee and are not returned.
func (s *Store) FeeReminderCandidates(ctx context.Context, from, to date.Date) ([]ReminderCandidate, error) {
	cols := "m." + joinColumns(memberColumns, ", m.")
	rows, err := s.query(ctx, `SELECT `+cols+`, f.id, f.end_date, f.amount FROM members m
		JOIN membership_fees f ON f.id = (SELECT l.id FROM membership_fees l WHERE l.member_id = m.id
			ORDER BY l.end_date DESC, l.id DESC LIMIT 1)
		WHERE m.status = 'member' AND m.send_fee_reminders AND f.end_date >= ? AND f.end_date <= ?
		ORDER BY m.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("fee reminder candidates: %w", err)
	}
	defer rows.Close()
	var out []ReminderCandidate
	for rows.Next() {
		var m Member
		var c ReminderCandidate
		err := rows.Scan(&m.ID, &m.Login, &m.PasswordHash, &m.Role, &m.PersonType, &m.FirstName,
			&m.LastName, &m.OrganizationName, &m.Nickname, &m.Email, &m.EmailVerifiedAt, &m.Phone,
			&m.Address, &m.PostalCode, &m.City, &m.Country, &m.Status, &m.Language,
			&m.SendFeeReminders, &m.Comments, &m.SelfRegistered, &m.DateJoined, &m.ResignDate,
			&m.CreatedAt, &m.UpdatedAt, &c.FeeID, &c.FeeEnd, &c.Amount)
		if err != nil {
			return nil, fmt.Errorf("scan reminder candidate: %w", err)
		}
		c.Member = &m
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecordFeeReminder writes r unless that reminder was already sent, and
// says whether it wrote it. Call it in the transaction that queues the
// e-mail and roll back when it returns false.
func (s *Store) RecordFeeReminder(ctx context.Context, r *FeeReminder) (bool, error) {
	r.CreatedAt = s.now()
	res, err := s.exec(ctx, `INSERT INTO membership_fee_reminders (member_id, fee_id, fee_end,
		reminder_offset, due_on, sent_on, outbox_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (member_id, fee_end, reminder_offset) DO NOTHING`,
		r.MemberID, r.FeeID, r.FeeEnd, r.Offset, r.DueOn, r.SentOn, r.OutboxID, r.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("record fee reminder %s for member %d: %w", r.Offset, r.MemberID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// FeeReminderSent tells whether that reminder was already sent.
func (s *Store) FeeReminderSent(ctx context.Context, memberID int64, feeEnd date.Date, offset string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM membership_fee_reminders WHERE member_id = ?
		AND fee_end = ? AND reminder_offset = ?`, memberID, feeEnd, offset).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("fee reminder sent: %w", err)
	}
	return n > 0, nil
}

// FeeRemindersOfMember returns the reminders sent to a member, latest first.
func (s *Store) FeeRemindersOfMember(ctx context.Context, memberID int64) ([]*FeeReminder, error) {
	rows, err := s.query(ctx, `SELECT id, member_id, fee_id, fee_end, reminder_offset, due_on, sent_on,
		outbox_id, created_at FROM membership_fee_reminders WHERE member_id = ? ORDER BY created_at DESC, id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("fee reminders of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*FeeReminder
	for rows.Next() {
		var r FeeReminder
		if err := rows.Scan(&r.ID, &r.MemberID, &r.FeeID, &r.FeeEnd, &r.Offset, &r.DueOn, &r.SentOn,
			&r.OutboxID, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan fee reminder: %w", err)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}
