package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// BankImportSummary is one confirmed import as the history lists it.
type BankImportSummary struct {
	ID          int64
	FileName    string
	Format      string
	By          string // the login of who imported it; empty once deleted
	ConfirmedAt time.Time
	Lines       int   // lines in the file
	Recorded    int   // lines that became payments
	MoneyCents  int64 // what those payments brought in
}

// ConfirmedBankImports lists confirmed imports, newest first, limit at a
// time below the id before (0: from the newest). Imports are a few a
// month; each one's counts come from its own lines through their keys.
func (s *Store) ConfirmedBankImports(ctx context.Context, before int64, limit int) ([]*BankImportSummary, error) {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := s.query(ctx, `SELECT bi.id, bi.file_name, bi.format, COALESCE(m.login, ''), bi.confirmed_at,
		(SELECT COUNT(*) FROM bank_import_lines l WHERE l.import_id = bi.id),
		(SELECT COUNT(*) FROM bank_lines b WHERE b.import_id = bi.id),
		COALESCE((SELECT SUM(b.amount_cents) FROM bank_lines b WHERE b.import_id = bi.id), 0)
		FROM bank_imports bi LEFT JOIN members m ON m.id = bi.created_by
		WHERE bi.status = 'confirmed' AND bi.id < ? ORDER BY bi.id DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list bank imports: %w", err)
	}
	defer rows.Close()
	var out []*BankImportSummary
	for rows.Next() {
		var b BankImportSummary
		var at *time.Time
		if err := rows.Scan(&b.ID, &b.FileName, &b.Format, &b.By, &at, &b.Lines, &b.Recorded, &b.MoneyCents); err != nil {
			return nil, fmt.Errorf("scan bank import: %w", err)
		}
		if at != nil {
			b.ConfirmedAt = *at
		}
		out = append(out, &b)
	}
	return out, rows.Err()
}

// ImportedPayment is a payment a bank import created.
type ImportedPayment struct {
	PaymentID   int64
	Date        date.Date
	AmountCents int64
	Label       string
	MemberID    *int64
	MemberName  string
}

// BankImportPayments returns the payments a confirmed import recorded, in
// the order of the statement.
func (s *Store) BankImportPayments(ctx context.Context, importID int64) ([]*ImportedPayment, error) {
	rows, err := s.query(ctx, `SELECT b.payment_id, b.booking_date, b.amount_cents, b.label, p.member_id,
		COALESCE(CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
		     ELSE TRIM(m.first_name || ' ' || m.last_name) END, '')
		FROM bank_lines b JOIN payments p ON p.id = b.payment_id LEFT JOIN members m ON m.id = p.member_id
		WHERE b.import_id = ? ORDER BY b.id`, importID)
	if err != nil {
		return nil, fmt.Errorf("payments of bank import %d: %w", importID, err)
	}
	defer rows.Close()
	var out []*ImportedPayment
	for rows.Next() {
		var p ImportedPayment
		if err := rows.Scan(&p.PaymentID, &p.Date, &p.AmountCents, &p.Label, &p.MemberID, &p.MemberName); err != nil {
			return nil, fmt.Errorf("scan imported payment: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// PaymentFromBankLine tells whether payment id was recorded from a bank
// statement line.
func (s *Store) PaymentFromBankLine(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM bank_lines WHERE payment_id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("bank line of payment %d: %w", id, err)
	}
	return n > 0, nil
}
