package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// BankImport is a parsed statement waiting for confirmation (or confirmed).
type BankImport struct {
	ID          int64
	FileName    string
	Format      string // the parser used: camt053 or a CSV profile
	Encoding    string // the character set a CSV file was read in
	Skipped     int    // lines after the last entry left out (balance, totals)
	Status      string
	CreatedBy   *int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ConfirmedAt *time.Time
}

// BankImportLine is one line of a statement and its proposed match.
type BankImportLine struct {
	ImportID      int64
	Position      int
	Date          date.Date
	AmountCents   int64 // positive: money in
	Label         string
	BankReference string // the bank's id of the entry, "" when it gives none
	Account       string // the statement's account, when known
	Counterparty  string // who paid, when the bank says
	Hash          string // of account, date, amount, label (and rank among equal lines)
	Method        string // transfer or direct_debit
	Result        string
	MemberID      *int64
	Target        string
	InvoiceID     *int64
	Reason        string  // how it was matched ("invoice_number", "amount_name", "manual"…)
	Candidates    []int64 // members an ambiguous line may be of
	EndToEndID    string  // of the direct debit a return line sends back
	ReturnCode    string  // its ISO 20022 reason code; "" for other lines

	// Filled by queries.
	MemberName    string
	InvoiceNumber string
	Booking       *BankBooking // what the line is booked to instead of a member (other_entry.go)
}

// Importable tells whether confirming will create a payment for the line.
func (l *BankImportLine) Importable() bool {
	return l.Result == model.LineMatched && l.MemberID != nil && l.Target != ""
}

// CreateBankImport stores an import and its lines in one transaction.
func (s *Store) CreateBankImport(ctx context.Context, imp *BankImport, lines []*BankImportLine) error {
	return s.Tx(ctx, func(tx *Store) error {
		imp.Status = model.ImportPending
		imp.CreatedAt = tx.now()
		id, err := tx.insert(ctx, `INSERT INTO bank_imports (file_name, format, encoding, skipped_lines, status,
			created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, imp.FileName, imp.Format,
			imp.Encoding, imp.Skipped, imp.Status, imp.CreatedBy,
			imp.CreatedAt, imp.ExpiresAt.UTC().Truncate(time.Microsecond))
		if err != nil {
			return fmt.Errorf("create bank import: %w", err)
		}
		imp.ID = id
		for _, l := range lines {
			l.ImportID = id
			if _, err := tx.exec(ctx, `INSERT INTO bank_import_lines (import_id, position, booking_date,
				amount_cents, label, bank_reference, account, counterparty, line_hash, method, result,
				member_id, target, invoice_id, reason, candidates, end_to_end_id, return_code)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, l.Position, l.Date, l.AmountCents, l.Label, l.BankReference, l.Account, l.Counterparty,
				l.Hash, l.Method, l.Result, l.MemberID, l.Target, l.InvoiceID, l.Reason, joinIDs(l.Candidates),
				l.EndToEndID, l.ReturnCode); err != nil {
				return fmt.Errorf("add line %d to bank import: %w", l.Position, err)
			}
		}
		return nil
	})
}

// BankImportByID returns an import.
func (s *Store) BankImportByID(ctx context.Context, id int64) (*BankImport, error) {
	var imp BankImport
	err := s.queryRow(ctx, `SELECT id, file_name, format, encoding, skipped_lines, status, created_by, created_at,
		expires_at, confirmed_at FROM bank_imports WHERE id = ?`, id).Scan(&imp.ID, &imp.FileName, &imp.Format,
		&imp.Encoding, &imp.Skipped, &imp.Status, &imp.CreatedBy, &imp.CreatedAt, &imp.ExpiresAt, &imp.ConfirmedAt)
	if err != nil {
		return nil, notFound(err, "bank import", id)
	}
	return &imp, nil
}

const importLineColumns = `l.import_id, l.position, l.booking_date, l.amount_cents, l.label, l.bank_reference,
	l.account, l.counterparty, l.line_hash, l.method, l.result, l.member_id, l.target, l.invoice_id,
	l.reason, l.candidates, l.end_to_end_id, l.return_code,
	COALESCE(CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END, ''), COALESCE(i.number, '')`

const importLineFrom = ` FROM bank_import_lines l LEFT JOIN members m ON m.id = l.member_id
	LEFT JOIN invoices i ON i.id = l.invoice_id`

func scanImportLine(row scanner) (*BankImportLine, error) {
	var l BankImportLine
	var cands string
	err := row.Scan(&l.ImportID, &l.Position, &l.Date, &l.AmountCents, &l.Label, &l.BankReference,
		&l.Account, &l.Counterparty, &l.Hash, &l.Method, &l.Result, &l.MemberID, &l.Target, &l.InvoiceID,
		&l.Reason, &cands, &l.EndToEndID, &l.ReturnCode, &l.MemberName, &l.InvoiceNumber)
	if err != nil {
		return nil, err
	}
	l.Candidates = splitIDs(cands)
	return &l, nil
}

// BankImportLines returns the lines of an import in file order.
func (s *Store) BankImportLines(ctx context.Context, importID int64) ([]*BankImportLine, error) {
	rows, err := s.query(ctx, `SELECT `+importLineColumns+importLineFrom+` WHERE l.import_id = ?
		ORDER BY l.position`, importID)
	if err != nil {
		return nil, fmt.Errorf("lines of bank import %d: %w", importID, err)
	}
	defer rows.Close()
	var out []*BankImportLine
	for rows.Next() {
		l, err := scanImportLine(rows)
		if err != nil {
			return nil, fmt.Errorf("scan bank import line: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// BankImportLine returns one line of an import.
func (s *Store) BankImportLine(ctx context.Context, importID int64, position int) (*BankImportLine, error) {
	l, err := scanImportLine(s.queryRow(ctx, `SELECT `+importLineColumns+importLineFrom+`
		WHERE l.import_id = ? AND l.position = ?`, importID, position))
	if err != nil {
		return nil, notFound(err, "bank import line", fmt.Sprintf("%d/%d", importID, position))
	}
	return l, nil
}

// UpdateBankImportLine changes the match of a line of a pending import.
func (s *Store) UpdateBankImportLine(ctx context.Context, l *BankImportLine) error {
	res, err := s.exec(ctx, `UPDATE bank_import_lines SET result = ?, member_id = ?, target = ?,
		invoice_id = ?, reason = ?, candidates = ? WHERE import_id = ? AND position = ?
		AND import_id IN (SELECT id FROM bank_imports WHERE status = 'pending')`,
		l.Result, l.MemberID, l.Target, l.InvoiceID, l.Reason, joinIDs(l.Candidates), l.ImportID, l.Position)
	if err != nil {
		return fmt.Errorf("update bank import line %d/%d: %w", l.ImportID, l.Position, err)
	}
	return expectOne(res, "pending bank import line", fmt.Sprintf("%d/%d", l.ImportID, l.Position))
}

// MarkBankImportConfirmed closes an import; it fails when the import is
// not pending any more (confirmed twice, or by two people at once).
func (s *Store) MarkBankImportConfirmed(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE bank_imports SET status = 'confirmed', confirmed_at = ?
		WHERE id = ? AND status = 'pending'`, s.now(), id)
	if err != nil {
		return fmt.Errorf("confirm bank import %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("bank import %d is not pending: %w", id, ErrConflict)
	}
	return nil
}

// DeleteExpiredBankImports removes pending imports past their expiry.
func (s *Store) DeleteExpiredBankImports(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM bank_imports WHERE status = 'pending' AND expires_at < ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired bank imports: %w", err)
	}
	return res.RowsAffected()
}

// BankLine is a bank statement line imported as a payment.
type BankLine struct {
	ID            int64
	BankReference string
	Hash          string
	Date          date.Date
	AmountCents   int64
	Label         string
	PaymentID     *int64
	ImportID      *int64
	// JournalEntryID is the entry of a line booked to an account
	// (a donation, bank fees…) instead of paying a member.
	JournalEntryID *int64
	CreatedAt      time.Time
}

// RecordBankLine remembers an imported line; ErrConflict when its
// reference or hash was imported before.
func (s *Store) RecordBankLine(ctx context.Context, b *BankLine) error {
	b.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO bank_lines (bank_reference, line_hash, booking_date, amount_cents,
		label, payment_id, journal_entry_id, import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullIfEmpty(b.BankReference), b.Hash, b.Date, b.AmountCents, b.Label, b.PaymentID, b.JournalEntryID, b.ImportID, b.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("bank line %q: %w", b.Label, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("record bank line: %w", err)
	}
	b.ID = id
	return nil
}

// ImportedBankKeys tells which of the given references and hashes were
// imported before: references of bank lines and of payments typed by hand,
// hashes of bank lines.
func (s *Store) ImportedBankKeys(ctx context.Context, refs, hashes []string) (map[string]bool, error) {
	seen := map[string]bool{}
	queries := []struct {
		sql  string
		keys []string
	}{
		{`SELECT bank_reference FROM bank_lines WHERE bank_reference IN `, refs},
		{`SELECT bank_reference FROM payments WHERE bank_reference IN `, refs},
		{`SELECT line_hash FROM bank_lines WHERE line_hash IN `, hashes},
	}
	for _, q := range queries {
		for start := 0; start < len(q.keys); start += 500 {
			chunk := q.keys[start:min(start+500, len(q.keys))]
			args := make([]any, len(chunk))
			for i, k := range chunk {
				args[i] = k
			}
			rows, err := s.query(ctx, q.sql+`(?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
			if err != nil {
				return nil, fmt.Errorf("imported bank lines: %w", err)
			}
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return nil, err
				}
				seen[k] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return seen, nil
}

// InvoiceRef is what matching needs of a validated invoice.
type InvoiceRef struct {
	ID        int64
	MemberID  int64
	Number    string
	IssueDate date.Date
	Remaining int64
}

// InvoiceRefs returns every validated invoice (not credit notes), oldest first.
func (s *Store) InvoiceRefs(ctx context.Context) ([]InvoiceRef, error) {
	rows, err := s.query(ctx, `SELECT id, member_id, number, issue_date, total_cents - paid_cents
		FROM invoices WHERE kind = 'invoice' AND status = 'validated' ORDER BY issue_date, number`)
	if err != nil {
		return nil, fmt.Errorf("invoice references: %w", err)
	}
	defer rows.Close()
	var out []InvoiceRef
	for rows.Next() {
		var r InvoiceRef
		var number sql.NullString
		if err := rows.Scan(&r.ID, &r.MemberID, &number, &r.IssueDate, &r.Remaining); err != nil {
			return nil, err
		}
		r.Number = number.String
		out = append(out, r)
	}
	return out, rows.Err()
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ValidatedInvoiceRef returns what allocating to an invoice needs, without
// the rest of the row; ErrNotFound unless it is a validated invoice.
func (s *Store) ValidatedInvoiceRef(ctx context.Context, id int64) (*InvoiceRef, error) {
	var r InvoiceRef
	var number sql.NullString
	err := s.queryRow(ctx, `SELECT id, member_id, number, issue_date, total_cents - paid_cents FROM invoices
		WHERE id = ? AND kind = 'invoice' AND status = 'validated'`, id).Scan(&r.ID, &r.MemberID, &number, &r.IssueDate, &r.Remaining)
	if err != nil {
		return nil, notFound(err, "validated invoice", id)
	}
	r.Number = number.String
	return &r, nil
}
