package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

const debitColumns = `id, invoice_id, mandate_id, message_id, end_to_end_id, amount_cents, sequence_type,
	collection_date, created_at, returned_at, return_kind, return_code`

func scanDebit(row scanner) (*Debit, error) {
	var d Debit
	err := row.Scan(&d.ID, &d.InvoiceID, &d.MandateID, &d.MessageID, &d.EndToEndID, &d.AmountCents, &d.SequenceType,
		&d.CollectionDate, &d.CreatedAt, &d.ReturnedAt, &d.ReturnKind, &d.ReturnCode)
	return &d, err
}

// DebitByEndToEnd returns the collection asked under an end-to-end id
// (unique: it is the invoice's number in our files).
func (s *Store) DebitByEndToEnd(ctx context.Context, endToEndID string) (*Debit, error) {
	d, err := scanDebit(s.queryRow(ctx, `SELECT `+debitColumns+` FROM sepa_debits WHERE end_to_end_id = ?`, endToEndID))
	if err != nil {
		return nil, notFound(err, "direct debit", endToEndID)
	}
	return d, nil
}

// MarkDebitReturned records that the bank sent a collection back (or
// refused it). ErrConflict when it was already recorded: a return is
// counted once.
func (s *Store) MarkDebitReturned(ctx context.Context, id int64, kind, code string) error {
	res, err := s.exec(ctx, `UPDATE sepa_debits SET returned_at = ?, return_kind = ?, return_code = ?
		WHERE id = ? AND returned_at IS NULL`, s.now(), kind, code, id)
	if err != nil {
		return fmt.Errorf("mark direct debit %d returned: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("direct debit %d already returned: %w", id, ErrConflict)
	}
	return nil
}

// LastFilesReturned tells, for the last n files that collected on a
// mandate since staff last resumed it (newest first), whether each had a
// collection sent back.
func (s *Store) LastFilesReturned(ctx context.Context, mandateID int64, n int) ([]bool, error) {
	rows, err := s.query(ctx, `SELECT MAX(CASE WHEN x.returned_at IS NULL THEN 0 ELSE 1 END)
		FROM sepa_debits x JOIN sepa_mandates d ON d.id = x.mandate_id
		WHERE x.mandate_id = ? AND (d.resumed_at IS NULL OR x.created_at > d.resumed_at)
		GROUP BY x.message_id ORDER BY MAX(x.collection_date) DESC, MAX(x.id) DESC LIMIT ?`, mandateID, n)
	if err != nil {
		return nil, fmt.Errorf("last collections of mandate %d: %w", mandateID, err)
	}
	defer rows.Close()
	var out []bool
	for rows.Next() {
		var r int
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r == 1)
	}
	return out, rows.Err()
}

// SuspendMandate stops collections on a mandate.
func (s *Store) SuspendMandate(ctx context.Context, id int64) error {
	now := s.now()
	if _, err := s.exec(ctx, `UPDATE sepa_mandates SET suspended_at = ?, updated_at = ? WHERE id = ?`,
		now, now, id); err != nil {
		return fmt.Errorf("suspend mandate %d: %w", id, err)
	}
	return nil
}

// ResumeMandate lets files collect on a suspended mandate again; the
// returns before count no more.
func (s *Store) ResumeMandate(ctx context.Context, id int64) error {
	now := s.now()
	if _, err := s.exec(ctx, `UPDATE sepa_mandates SET suspended_at = NULL, resumed_at = ?, updated_at = ? WHERE id = ?`,
		now, now, id); err != nil {
		return fmt.Errorf("resume mandate %d: %w", id, err)
	}
	return nil
}

// ReturnedInvoices tells which of the given invoices had a collection
// sent back: a reminder no longer says they will be debited.
func (s *Store) ReturnedInvoices(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT DISTINCT invoice_id FROM sepa_debits WHERE returned_at IS NOT NULL
		AND invoice_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("returned invoices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// DebitPaymentOf returns the direct-debit payment allocated to an invoice,
// newest first, with the amount it allocated there; nil when none.
func (s *Store) DebitPaymentOf(ctx context.Context, invoiceID int64) (*Payment, int64, error) {
	var id, allocated int64
	err := s.queryRow(ctx, `SELECT a.payment_id, a.amount_cents FROM allocations a
		JOIN payments p ON p.id = a.payment_id
		WHERE a.invoice_id = ? AND p.method = 'direct_debit'
		ORDER BY p.payment_date DESC, p.id DESC LIMIT 1`, invoiceID).Scan(&id, &allocated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("direct debit payment of invoice %d: %w", invoiceID, err)
	}
	p, err := s.PaymentByID(ctx, id)
	return p, allocated, err
}

// DetachBankLinePayment unlinks the statement line that recorded a
// payment about to be reversed; the line stays, so it is never imported
// again.
func (s *Store) DetachBankLinePayment(ctx context.Context, paymentID int64) error {
	if _, err := s.exec(ctx, `UPDATE bank_lines SET payment_id = NULL WHERE payment_id = ?`, paymentID); err != nil {
		return fmt.Errorf("detach bank line of payment %d: %w", paymentID, err)
	}
	return nil
}

// DebitsOfFile lists the collections a direct debit file asked for, in
// file order.
func (s *Store) DebitsOfFile(ctx context.Context, messageID string) ([]*Debit, error) {
	rows, err := s.query(ctx, `SELECT `+debitColumns+` FROM sepa_debits WHERE message_id = ? ORDER BY id`, messageID)
	if err != nil {
		return nil, fmt.Errorf("debits of file %s: %w", messageID, err)
	}
	defer rows.Close()
	var out []*Debit
	for rows.Next() {
		d, err := scanDebit(rows)
		if err != nil {
			return nil, fmt.Errorf("scan debit: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
