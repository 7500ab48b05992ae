package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// Receipt is a receipt handed to a member, kept as its PDF.
type Receipt struct {
	ID          int64
	Kind        string // fee, invoice or tax
	Number      string
	MemberID    int64
	FeeID       *int64
	InvoiceID   *int64
	AmountCents int64
	IssuedOn    date.Date
	Language    string
	CreatedAt   time.Time
}

const receiptColumns = `id, kind, number, member_id, fee_id, invoice_id, amount_cents, issued_on, language, created_at`

func scanReceipt(row scanner) (*Receipt, error) {
	var r Receipt
	err := row.Scan(&r.ID, &r.Kind, &r.Number, &r.MemberID, &r.FeeID, &r.InvoiceID, &r.AmountCents,
		&r.IssuedOn, &r.Language, &r.CreatedAt)
	return &r, err
}

// CreateReceipt stores a numbered receipt and its PDF; ErrConflict when
// the fee or invoice has one of that kind already.
func (s *Store) CreateReceipt(ctx context.Context, r *Receipt, pdf []byte) error {
	r.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO receipts (kind, number, member_id, fee_id, invoice_id, amount_cents,
		issued_on, language, pdf, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Kind, r.Number, r.MemberID,
		r.FeeID, r.InvoiceID, r.AmountCents, r.IssuedOn, r.Language, pdf, r.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("receipt %s: %w", r.Kind, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create receipt: %w", err)
	}
	r.ID = id
	return nil
}

// ReceiptFor returns member memberID's receipt of kind for a fee or an
// invoice (one of feeID, invoiceID is 0), ErrNotFound when none was issued.
func (s *Store) ReceiptFor(ctx context.Context, memberID int64, kind string, feeID, invoiceID int64) (*Receipt, error) {
	q := `SELECT ` + receiptColumns + ` FROM receipts WHERE kind = ? AND fee_id = ? AND member_id = ?`
	id := feeID
	if invoiceID != 0 {
		q, id = `SELECT `+receiptColumns+` FROM receipts WHERE kind = ? AND invoice_id = ? AND member_id = ?`, invoiceID
	}
	r, err := scanReceipt(s.queryRow(ctx, q, kind, id, memberID))
	if err != nil {
		return nil, notFound(err, "receipt", id)
	}
	return r, nil
}

// MemberReceipts lists a member's receipts, newest first.
func (s *Store) MemberReceipts(ctx context.Context, memberID int64) ([]*Receipt, error) {
	rows, err := s.query(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE member_id = ? ORDER BY id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("receipts of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, fmt.Errorf("scan receipt: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReceiptPDF returns a receipt and its PDF; memberID > 0 limits it to that
// member's (anyone else's is ErrNotFound).
func (s *Store) ReceiptPDF(ctx context.Context, memberID, id int64) (*Receipt, []byte, error) {
	q := `SELECT ` + receiptColumns + `, pdf FROM receipts WHERE id = ?`
	args := []any{id}
	if memberID > 0 {
		q += ` AND member_id = ?`
		args = append(args, memberID)
	}
	var r Receipt
	var pdf []byte
	err := s.queryRow(ctx, q, args...).Scan(&r.ID, &r.Kind, &r.Number, &r.MemberID, &r.FeeID, &r.InvoiceID,
		&r.AmountCents, &r.IssuedOn, &r.Language, &r.CreatedAt, &pdf)
	if err != nil {
		return nil, nil, notFound(err, "receipt", id)
	}
	return &r, pdf, nil
}
