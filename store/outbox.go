package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"coin/model"
)

// Message is an e-mail in the outbox.
type Message struct {
	ID            int64
	Kind          string // template name, e.g. "password_reset"
	MemberID      *int64
	To            string
	From          string
	Subject       string
	TextBody      string
	HTMLBody      string
	Status        string
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        *time.Time
}

// CarriesSecret tells whether the message holds a one-time link that
// signs its reader in (password reset, address verification): staff who
// read the outbox must not be able to use it.
func (m *Message) CarriesSecret() bool {
	return m.Kind == model.TokenPasswordReset || m.Kind == model.TokenVerifyEmail
}

const messageColumns = `id, kind, member_id, to_addr, from_addr, subject, text_body, html_body,
	status, attempts, last_error, next_attempt_at, created_at, sent_at`

func scanMessage(row scanner) (*Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.Kind, &m.MemberID, &m.To, &m.From, &m.Subject, &m.TextBody,
		&m.HTMLBody, &m.Status, &m.Attempts, &m.LastError, &m.NextAttemptAt, &m.CreatedAt, &m.SentAt)
	return &m, err
}

// QueueMessage adds a message to the outbox; call it inside the transaction
// of the change that causes the message.
func (s *Store) QueueMessage(ctx context.Context, m *Message) error {
	now := s.now()
	m.CreatedAt, m.NextAttemptAt = now, now
	if m.Status == "" {
		m.Status = model.OutboxQueued
	}
	id, err := s.insert(ctx, `INSERT INTO outbox (kind, member_id, to_addr, from_addr, subject,
		text_body, html_body, status, attempts, last_error, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?)`,
		m.Kind, m.MemberID, m.To, m.From, m.Subject, m.TextBody, m.HTMLBody, m.Status,
		m.NextAttemptAt, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("queue %s message to %s: %w", m.Kind, m.To, err)
	}
	m.ID = id
	if m.Status == model.OutboxQueued {
		s.noteQueued()
	}
	return nil
}

// ClaimDueMessage takes one queued message whose attempt is due and that
// no instance holds, for instance until now+lease, and returns it (nil
// when there is none). The claim is one atomic statement: on PostgreSQL
// the row is locked and others skip it (FOR UPDATE SKIP LOCKED); SQLite
// runs one writing statement at a time. Marking the message sent or
// failed ends the claim; a claim whose instance died ends with its lease,
// and the message is tried again.
func (s *Store) ClaimDueMessage(ctx context.Context, instance string, lease time.Duration) (*Message, error) {
	now := s.now()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	m, err := scanMessage(s.queryRow(ctx, `UPDATE outbox SET claimed_by = ?, claimed_until = ?
		WHERE id = (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at, id LIMIT 1`+lock+`)
		RETURNING `+messageColumns, instance, now.Add(lease), now, now))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim a due message: %w", err)
	}
	return m, nil
}

// DueMessages returns queued messages whose next attempt is due.
func (s *Store) DueMessages(ctx context.Context, limit int) ([]*Message, error) {
	rows, err := s.query(ctx, `SELECT `+messageColumns+` FROM outbox WHERE status = 'queued'
		AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, s.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", err)
	}
	return collectMessages(rows)
}

func collectMessages(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]*Message, error) {
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("scan message: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMessageSent records a successful delivery.
func (s *Store) MarkMessageSent(ctx context.Context, id int64) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,
		last_error = '', claimed_by = NULL, claimed_until = NULL WHERE id = ?`, now, id)
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// MarkMessageFailed records a failed attempt: the message is retried at next,
// or given up (status failed) when next is zero.
func (s *Store) MarkMessageFailed(ctx context.Context, id int64, errText string, next time.Time) error {
	status := model.OutboxQueued
	if next.IsZero() {
		status, next = model.OutboxFailed, s.now()
	}
	if len(errText) > 2000 {
		errText = errText[:2000]
	}
	_, err := s.exec(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?,
		next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?`, status, errText, next.UTC(), id)
	if err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

// RequeueMessage puts a failed or sent message back in the queue (resend).
func (s *Store) RequeueMessage(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE outbox SET status = 'queued', next_attempt_at = ?, attempts = 0,
		claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status <> 'held'`, s.now(), id)
	if err != nil {
		return fmt.Errorf("requeue message %d: %w", id, err)
	}
	if err := expectOne(res, "message", id); err != nil {
		return err
	}
	s.noteQueued()
	return nil
}

// MessageByID returns one message.
func (s *Store) MessageByID(ctx context.Context, id int64) (*Message, error) {
	m, err := scanMessage(s.queryRow(ctx, `SELECT `+messageColumns+` FROM outbox WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "message", id)
	}
	return m, nil
}

// CountMessages counts the messages of a status, up to limit: a count
// walks the index outbox_status, and a figure past the limit says enough.
func (s *Store) CountMessages(ctx context.Context, status string, limit int) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE status = ? LIMIT ?) q`, status, limit).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s messages: %w", status, err)
	}
	return n, nil
}

// OutboxFilter selects messages for the back office.
type OutboxFilter struct {
	Status   string
	MemberID int64
	Limit    int
	Offset   int
}

// ListMessages returns messages, newest first, and the total.
func (s *Store) ListMessages(ctx context.Context, f OutboxFilter) ([]*Message, int, error) {
	where := " WHERE 1=1"
	var args []any
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.MemberID != 0 {
		where += " AND member_id = ?"
		args = append(args, f.MemberID)
	}
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM outbox`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count messages: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+messageColumns+` FROM outbox`+where+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list messages: %w", err)
	}
	msgs, err := collectMessages(rows)
	return msgs, total, err
}
