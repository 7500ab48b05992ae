package store

import (
	"context"
	"fmt"
	"time"
)

// LogEntry is one line of the append-only accounting log.
type LogEntry struct {
	ID          int64
	At          time.Time
	Operation   string // invoice.created, invoice.validated, payment.created, allocation…
	MemberID    *int64
	InvoiceID   *int64
	PaymentID   *int64
	AmountCents int64
	Actor       string
	Details     string
}

// AppendLog adds an entry; the table refuses updates and deletes. The
// Logged hook gets it once the transaction commits.
func (s *Store) AppendLog(ctx context.Context, e *LogEntry) error {
	e.At = s.now()
	id, err := s.insert(ctx, `INSERT INTO accounting_log (at, operation, member_id, invoice_id, payment_id,
		amount_cents, actor, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.At, e.Operation, e.MemberID,
		e.InvoiceID, e.PaymentID, e.AmountCents, e.Actor, e.Details)
	if err != nil {
		return fmt.Errorf("accounting log %s: %w", e.Operation, err)
	}
	e.ID = id
	s.noteLogged(e)
	return nil
}

// LogEntries returns entries after id (0 for all), oldest first.
func (s *Store) LogEntries(ctx context.Context, afterID int64, limit int) ([]*LogEntry, error) {
	rows, err := s.query(ctx, `SELECT id, at, operation, member_id, invoice_id, payment_id, amount_cents,
		actor, details FROM accounting_log WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("accounting log: %w", err)
	}
	defer rows.Close()
	var out []*LogEntry
	for rows.Next() {
		var e LogEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Operation, &e.MemberID, &e.InvoiceID, &e.PaymentID,
			&e.AmountCents, &e.Actor, &e.Details); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
