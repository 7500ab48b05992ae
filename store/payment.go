package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"coin/date"
)

// Payment methods.
var PaymentMethods = []string{"transfer", "cash", "cheque", "card", "direct_debit", "other"}

// Payment is money received from a member.
type Payment struct {
	ID            int64
	MemberID      int64
	Method        string
	Date          date.Date
	AmountCents   int64
	Label         string
	BankReference string // unique when set: a bank line is imported once
	CreatedAt     time.Time
	CreatedBy     *int64

	AllocatedCents int64 // filled by queries; all of it when it paid a membership fee
	MemberLogin    string
	MemberName     string
}

// Unallocated is the part of the payment not used by any invoice.
func (p *Payment) Unallocated() int64 { return p.AmountCents - p.AllocatedCents }

// CreatePayment inserts p.
func (s *Store) CreatePayment(ctx context.Context, p *Payment) error {
	p.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO payments (member_id, method, payment_date, amount_cents, label,
		bank_reference, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.MemberID, p.Method,
		p.Date, p.AmountCents, p.Label, nullIfEmpty(p.BankReference), p.CreatedAt, p.CreatedBy)
	if isUniqueViolation(err) {
		return fmt.Errorf("create payment %q: %w", p.BankReference, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create payment of member %d: %w", p.MemberID, err)
	}
	p.ID = id
	return nil
}

const paymentColumns = `p.id, p.member_id, p.method, p.payment_date, p.amount_cents, p.label,
	p.bank_reference, p.created_at, p.created_by,
	CASE WHEN EXISTS (SELECT 1 FROM membership_fees f WHERE f.payment_id = p.id) THEN p.amount_cents
	     ELSE COALESCE((SELECT SUM(a.amount_cents) FROM allocations a WHERE a.payment_id = p.id), 0) END, m.login,
	CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END`

func scanPayment(row scanner) (*Payment, error) {
	var p Payment
	var ref sql.NullString
	err := row.Scan(&p.ID, &p.MemberID, &p.Method, &p.Date, &p.AmountCents, &p.Label, &ref,
		&p.CreatedAt, &p.CreatedBy, &p.AllocatedCents, &p.MemberLogin, &p.MemberName)
	p.BankReference = ref.String
	return &p, err
}

// PaymentByID returns one payment with what is allocated of it.
func (s *Store) PaymentByID(ctx context.Context, id int64) (*Payment, error) {
	p, err := scanPayment(s.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments p
		JOIN members m ON m.id = p.member_id WHERE p.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "payment", id)
	}
	return p, nil
}

// PaymentFilter selects payments.
type PaymentFilter struct {
	MemberID  int64
	From, To  date.Date
	Method    string
	Search    string
	Unmatched bool // only payments with an unallocated part
	Limit     int
	Offset    int
}

// PaymentPaysFee tells whether a payment paid a membership fee: such a
// payment is not the member's to allocate to invoices.
func (s *Store) PaymentPaysFee(ctx context.Context, paymentID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM membership_fees WHERE payment_id = ?`, paymentID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("fees paid by payment %d: %w", paymentID, err)
	}
	return n > 0, nil
}

// ListPayments returns payments, newest first, and their count and sum.
func (s *Store) ListPayments(ctx context.Context, f PaymentFilter) ([]*Payment, int, int64, error) {
	conds := []string{"1=1"}
	var args []any
	if f.MemberID != 0 {
		conds = append(conds, "p.member_id = ?")
		args = append(args, f.MemberID)
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.payment_date >= ?")
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.payment_date <= ?")
		args = append(args, f.To)
	}
	if f.Method != "" {
		conds = append(conds, "p.method = ?")
		args = append(args, f.Method)
	}
	if f.Search != "" {
		cond, a := likeAny(f.Search, "p.label", "m.search_key")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Unmatched {
		// A payment that paid a membership fee is used up: fees are not invoices.
		conds = append(conds, "p.amount_cents > COALESCE((SELECT SUM(a.amount_cents) FROM allocations a WHERE a.payment_id = p.id), 0)",
			notFeePayment)
	}
	where := " FROM payments p JOIN members m ON m.id = p.member_id WHERE " + strings.Join(conds, " AND ")
	// The count joins the members only to search them: without a search it
	// is one pass over the covering index payments_list.
	countFrom := where
	if f.Search == "" {
		countFrom = " FROM payments p WHERE " + strings.Join(conds, " AND ")
	}
	var n int
	var sum int64
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(p.amount_cents), 0)`+countFrom, args...).Scan(&n, &sum); err != nil {
		return nil, 0, 0, fmt.Errorf("count payments: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 1 << 30
	}
	// The page's ids come from the index payments_list (or payments_member)
	// alone; only those rows are read.
	const order = ` ORDER BY p.payment_date DESC, p.id DESC`
	rows, err := s.query(ctx, `SELECT `+paymentColumns+` FROM payments p JOIN members m ON m.id = p.member_id
		WHERE p.id IN (SELECT p.id`+countFrom+order+` LIMIT ? OFFSET ?)`+order,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("list payments: %w", err)
	}
	defer rows.Close()
	var out []*Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		out = append(out, p)
	}
	return out, n, sum, rows.Err()
}

// Allocation settles part of an invoice with a payment or a credit note.
type Allocation struct {
	ID           int64
	InvoiceID    int64
	PaymentID    *int64
	CreditNoteID *int64
	AmountCents  int64
	CreatedAt    time.Time

	InvoiceNumber string    // filled by queries
	PaymentDate   date.Date // of the payment, when a payment settled it
	PaymentMethod string
	PaymentLabel  string
}

// CreateAllocation records an allocation and adds it to the invoice's paid amount.
func (s *Store) CreateAllocation(ctx context.Context, a *Allocation) error {
	a.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO allocations (invoice_id, payment_id, credit_note_id, amount_cents,
		created_at) VALUES (?, ?, ?, ?, ?)`, a.InvoiceID, a.PaymentID, a.CreditNoteID, a.AmountCents, a.CreatedAt)
	if err != nil {
		return fmt.Errorf("allocate %d cents to invoice %d: %w", a.AmountCents, a.InvoiceID, err)
	}
	a.ID = id
	if err := s.AddPaid(ctx, a.InvoiceID, a.AmountCents); err != nil {
		return err
	}
	if a.CreditNoteID != nil {
		return s.AddPaid(ctx, *a.CreditNoteID, a.AmountCents)
	}
	return nil
}

// DeletePaymentAllocations removes the allocations of a payment (to
// re-allocate it) and returns them.
func (s *Store) DeletePaymentAllocations(ctx context.Context, paymentID int64) ([]*Allocation, error) {
	allocs, err := s.PaymentAllocations(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	for _, a := range allocs {
		if err := s.AddPaid(ctx, a.InvoiceID, -a.AmountCents); err != nil {
			return nil, err
		}
	}
	if _, err := s.exec(ctx, `DELETE FROM allocations WHERE payment_id = ?`, paymentID); err != nil {
		return nil, fmt.Errorf("delete allocations of payment %d: %w", paymentID, err)
	}
	return allocs, nil
}

// PaymentAllocations lists where a payment went.
func (s *Store) PaymentAllocations(ctx context.Context, paymentID int64) ([]*Allocation, error) {
	return s.allocations(ctx, `a.payment_id = ?`, paymentID)
}

// InvoiceAllocations lists what settled an invoice (or what a credit note settled).
func (s *Store) InvoiceAllocations(ctx context.Context, invoiceID int64) ([]*Allocation, error) {
	return s.allocations(ctx, `(a.invoice_id = ? OR a.credit_note_id = ?)`, invoiceID, invoiceID)
}

func (s *Store) allocations(ctx context.Context, cond string, args ...any) ([]*Allocation, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.invoice_id, a.payment_id, a.credit_note_id, a.amount_cents,
		a.created_at, COALESCE(i.number, ''), p.payment_date, COALESCE(p.method, ''), COALESCE(p.label, '')
		FROM allocations a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payments p ON p.id = a.payment_id
		WHERE `+cond+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("allocations: %w", err)
	}
	defer rows.Close()
	var out []*Allocation
	for rows.Next() {
		var a Allocation
		if err := rows.Scan(&a.ID, &a.InvoiceID, &a.PaymentID, &a.CreditNoteID, &a.AmountCents,
			&a.CreatedAt, &a.InvoiceNumber, &a.PaymentDate, &a.PaymentMethod, &a.PaymentLabel); err != nil {
			return nil, err
		}
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Balance is a member's account: what they owe on open invoices and what
// they hold as credit (unallocated payments and credit notes).
type Balance struct {
	OwedCents   int64
	CreditCents int64
}

// notFeePayment leaves out payments that paid a membership fee (a bank
// line matched to a fee): they are not the member's credit.
const notFeePayment = `NOT EXISTS (SELECT 1 FROM membership_fees f WHERE f.payment_id = p.id)`

// MemberBalance computes a member's account. Payments that paid a
// membership fee count neither as credit nor against invoices.
func (s *Store) MemberBalance(ctx context.Context, memberID int64) (Balance, error) {
	var b Balance
	err := s.queryRow(ctx, `SELECT
		COALESCE((SELECT SUM(total_cents - paid_cents) FROM invoices WHERE member_id = ? AND kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents), 0),
		COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.member_id = ? AND `+notFeePayment+`), 0)
		- COALESCE((SELECT SUM(a.amount_cents) FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.member_id = ?), 0)
		+ COALESCE((SELECT SUM(total_cents - paid_cents) FROM invoices WHERE member_id = ? AND kind = 'credit_note' AND status = 'validated'), 0)`,
		memberID, memberID, memberID, memberID).Scan(&b.OwedCents, &b.CreditCents)
	if err != nil {
		return b, fmt.Errorf("balance of member %d: %w", memberID, err)
	}
	return b, nil
}

// UnallocatedPayments returns a member's payments with money left, oldest first.
func (s *Store) UnallocatedPayments(ctx context.Context, memberID int64) ([]*Payment, error) {
	ps, _, _, err := s.ListPayments(ctx, PaymentFilter{MemberID: memberID, Unmatched: true})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
		ps[i], ps[j] = ps[j], ps[i]
	}
	return ps, nil
}

// UnusedCreditNotes returns a member's validated credit notes with money left, oldest first.
func (s *Store) UnusedCreditNotes(ctx context.Context, memberID int64) ([]*Invoice, error) {
	rows, err := s.query(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE i.member_id = ?
		AND i.kind = 'credit_note' AND i.status = 'validated' AND i.paid_cents < i.total_cents
		ORDER BY i.issue_date, i.number`, memberID)
	if err != nil {
		return nil, fmt.Errorf("credit notes of member %d: %w", memberID, err)
	}
	return collectInvoices(rows)
}
