package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// Invoice is an invoice or a credit note. Amounts are cents; a credit note
// has positive amounts and refers to the invoice it corrects.
type Invoice struct {
	ID                int64
	Kind              string
	MemberID          int64
	Status            string
	Number            string
	IssueDate         date.Date
	DueDate           date.Date
	CreditedInvoiceID *int64
	TotalExclCents    int64
	TaxCents          int64
	TotalCents        int64
	PaidCents         int64
	Language          string
	HasPDF            bool
	CreatedAt         time.Time
	ValidatedAt       *time.Time

	// Filled by list queries.
	MemberLogin string
	MemberName  string
}

// Remaining is what is left to pay (for an invoice) or to use (for a credit note).
func (i *Invoice) Remaining() int64 { return i.TotalCents - i.PaidCents }

// Overdue tells whether a validated invoice is unpaid after its due date.
func (i *Invoice) Overdue(today date.Date) bool {
	return i.Kind == model.KindInvoice && i.Status == model.InvoiceValidated && i.Remaining() > 0 &&
		!i.DueDate.IsZero() && today.After(i.DueDate)
}

// InvoiceLine is one line of an invoice.
type InvoiceLine struct {
	ID             int64
	InvoiceID      int64
	Position       int
	Label          string
	Quantity       int64
	UnitPriceCents int64
	TaxRateBP      int // basis points: 2000 is 20 %
	AmountCents    int64
	TaxCents       int64
	PeriodFrom     date.Date
	PeriodTo       date.Date // inclusive
	SubscriptionID *int64
	ConfigComment  string
}

const invoiceColumns = `i.id, i.kind, i.member_id, i.status, i.number, i.issue_date, i.due_date,
	i.credited_invoice_id, i.total_excl_cents, i.tax_cents, i.total_cents, i.paid_cents, i.language,
	` + hasPDFColumn + `, i.created_at, i.validated_at, m.login,
	CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END`

const invoiceFrom = ` FROM invoices i JOIN members m ON m.id = i.member_id`

func scanInvoice(row scanner) (*Invoice, error) {
	var i Invoice
	var number sql.NullString
	err := row.Scan(&i.ID, &i.Kind, &i.MemberID, &i.Status, &number, &i.IssueDate, &i.DueDate,
		&i.CreditedInvoiceID, &i.TotalExclCents, &i.TaxCents, &i.TotalCents, &i.PaidCents, &i.Language,
		&i.HasPDF, &i.CreatedAt, &i.ValidatedAt, &i.MemberLogin, &i.MemberName)
	i.Number = number.String
	return &i, err
}

// CreateDraftInvoice inserts a draft with its lines and totals.
func (s *Store) CreateDraftInvoice(ctx context.Context, inv *Invoice, lines []*InvoiceLine) error {
	inv.Status = model.InvoiceDraft
	if inv.Kind == "" {
		inv.Kind = model.KindInvoice
	}
	inv.CreatedAt = s.now()
	totals(inv, lines)
	id, err := s.insert(ctx, `INSERT INTO invoices (kind, member_id, status, credited_invoice_id, language,
		total_excl_cents, tax_cents, total_cents, created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?)`,
		inv.Kind, inv.MemberID, inv.CreditedInvoiceID, inv.Language, inv.TotalExclCents, inv.TaxCents,
		inv.TotalCents, inv.CreatedAt)
	if err != nil {
		return fmt.Errorf("create draft invoice for member %d: %w", inv.MemberID, err)
	}
	inv.ID = id
	return s.insertLines(ctx, inv, lines)
}

// totals sums the lines into the invoice.
func totals(inv *Invoice, lines []*InvoiceLine) {
	inv.TotalExclCents, inv.TaxCents = 0, 0
	for _, l := range lines {
		inv.TotalExclCents += l.AmountCents
		inv.TaxCents += l.TaxCents
	}
	inv.TotalCents = inv.TotalExclCents + inv.TaxCents
}

func (s *Store) insertLines(ctx context.Context, inv *Invoice, lines []*InvoiceLine) error {
	for i, l := range lines {
		l.InvoiceID, l.Position = inv.ID, i+1
		id, err := s.insert(ctx, `INSERT INTO invoice_lines (invoice_id, position, label, quantity,
			unit_price_cents, tax_rate_bp, amount_cents, tax_cents, period_from, period_to,
			subscription_id, config_comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.InvoiceID, l.Position, l.Label, l.Quantity, l.UnitPriceCents, l.TaxRateBP, l.AmountCents,
			l.TaxCents, l.PeriodFrom, l.PeriodTo, l.SubscriptionID, l.ConfigComment)
		if err != nil {
			return fmt.Errorf("add line to invoice %d: %w", inv.ID, err)
		}
		l.ID = id
	}
	return nil
}

// ReplaceInvoiceLines sets the lines of a draft and its totals.
func (s *Store) ReplaceInvoiceLines(ctx context.Context, inv *Invoice, lines []*InvoiceLine) error {
	if _, err := s.exec(ctx, `DELETE FROM invoice_lines WHERE invoice_id = ?`, inv.ID); err != nil {
		return fmt.Errorf("replace lines of invoice %d: %w", inv.ID, err)
	}
	if err := s.insertLines(ctx, inv, lines); err != nil {
		return err
	}
	totals(inv, lines)
	_, err := s.exec(ctx, `UPDATE invoices SET total_excl_cents = ?, tax_cents = ?, total_cents = ?
		WHERE id = ? AND status = 'draft'`, inv.TotalExclCents, inv.TaxCents, inv.TotalCents, inv.ID)
	if err != nil {
		return fmt.Errorf("total of invoice %d: %w", inv.ID, err)
	}
	return nil
}

// ValidateInvoice freezes a draft with its number, dates and PDF (stored
// in invoice_pdfs). Call it in the transaction that took the number.
func (s *Store) ValidateInvoice(ctx context.Context, inv *Invoice, pdf []byte) error {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE invoices SET status = 'validated', number = ?, issue_date = ?,
		due_date = ?, validated_at = ? WHERE id = ? AND status = 'draft'`,
		inv.Number, inv.IssueDate, inv.DueDate, now, inv.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("validate invoice %d as %s: %w", inv.ID, inv.Number, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("validate invoice %d: %w", inv.ID, err)
	}
	if err := expectOne(res, "draft invoice", inv.ID); err != nil {
		return err
	}
	if pdf != nil {
		if err := s.savePDF(ctx, inv.ID, pdf); err != nil {
			return err
		}
	}
	inv.Status, inv.ValidatedAt, inv.HasPDF = model.InvoiceValidated, &now, pdf != nil
	return nil
}

// DeleteDraftInvoice removes a draft (validated invoices cannot be deleted).
func (s *Store) DeleteDraftInvoice(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM invoices WHERE id = ? AND status = 'draft'`, id)
	if err != nil {
		return fmt.Errorf("delete draft invoice %d: %w", id, err)
	}
	return expectOne(res, "draft invoice", id)
}

// InvoiceByID returns one invoice.
func (s *Store) InvoiceByID(ctx context.Context, id int64) (*Invoice, error) {
	inv, err := scanInvoice(s.queryRow(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "invoice", id)
	}
	return inv, nil
}

// MemberInvoice returns an invoice only if it is memberID's and validated:
// what the portal may show.
func (s *Store) MemberInvoice(ctx context.Context, memberID, id int64) (*Invoice, error) {
	inv, err := scanInvoice(s.queryRow(ctx, `SELECT `+invoiceColumns+invoiceFrom+
		` WHERE i.id = ? AND i.member_id = ? AND i.status = 'validated'`, id, memberID))
	if err != nil {
		return nil, notFound(err, "invoice", id)
	}
	return inv, nil
}

// InvoiceLines returns the lines of an invoice in order.
func (s *Store) InvoiceLines(ctx context.Context, invoiceID int64) ([]*InvoiceLine, error) {
	rows, err := s.query(ctx, `SELECT id, invoice_id, position, label, quantity, unit_price_cents,
		tax_rate_bp, amount_cents, tax_cents, period_from, period_to, subscription_id, config_comment
		FROM invoice_lines WHERE invoice_id = ? ORDER BY position`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("lines of invoice %d: %w", invoiceID, err)
	}
	defer rows.Close()
	var out []*InvoiceLine
	for rows.Next() {
		var l InvoiceLine
		if err := rows.Scan(&l.ID, &l.InvoiceID, &l.Position, &l.Label, &l.Quantity, &l.UnitPriceCents,
			&l.TaxRateBP, &l.AmountCents, &l.TaxCents, &l.PeriodFrom, &l.PeriodTo, &l.SubscriptionID,
			&l.ConfigComment); err != nil {
			return nil, err
		}
		out = append(out, &l)
	}
	return out, rows.Err()
}

// InvoiceFilter selects invoices for lists and exports.
type InvoiceFilter struct {
	MemberID int64
	Kind     string    // "" for both
	Status   string    // "draft", "validated", "open" (validated, not fully paid), "paid"
	From, To date.Date // issue date range (inclusive)
	Overdue  date.Date // when set, only invoices due before this day and unpaid
	Search   string    // number or member
	Limit    int
	Offset   int
	// NoTotals skips the totals of the selection, for a caller that only
	// lists (one query less).
	NoTotals bool
}

func (f InvoiceFilter) where() (string, []any) {
	conds := []string{"1=1"}
	var args []any
	if f.MemberID != 0 {
		conds = append(conds, "i.member_id = ?")
		args = append(args, f.MemberID)
	}
	if f.Kind != "" {
		conds = append(conds, "i.kind = ?")
		args = append(args, f.Kind)
	}
	switch f.Status {
	case model.InvoiceDraft, model.InvoiceValidated:
		conds = append(conds, "i.status = ?")
		args = append(args, f.Status)
	case "open":
		// kind IN (both) is always true: it lets the partial index
		// invoices_open, which starts with kind, answer.
		conds = append(conds, "i.status = 'validated' AND i.paid_cents < i.total_cents AND i.kind IN ('invoice', 'credit_note')")
	case "paid":
		conds = append(conds, "i.status = 'validated' AND i.paid_cents = i.total_cents")
	}
	if !f.From.IsZero() {
		conds = append(conds, "i.issue_date >= ?")
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		conds = append(conds, "i.issue_date <= ?")
		args = append(args, f.To)
	}
	if !f.Overdue.IsZero() {
		conds = append(conds, "i.kind = 'invoice' AND i.status = 'validated' AND i.paid_cents < i.total_cents AND i.due_date < ?")
		args = append(args, f.Overdue)
	}
	if f.Search != "" {
		cond, a := likeAny(f.Search, "i.number", "m.search_key")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// InvoiceTotals sums a filtered list.
type InvoiceTotals struct {
	Count      int
	TotalCents int64
	PaidCents  int64
}

// ListInvoices returns a page of invoices (newest first) and the totals of
// the whole selection.
func (s *Store) ListInvoices(ctx context.Context, f InvoiceFilter) ([]*Invoice, InvoiceTotals, error) {
	where, args := f.where()
	// The totals join the members only to search them: without a search
	// they are one pass over a covering index (invoices_list, invoices_open).
	from := ` FROM invoices i`
	if f.Search != "" {
		from = invoiceFrom
	}
	var t InvoiceTotals
	if f.NoTotals {
		return s.listInvoices(ctx, f, from, where, args)
	}
	err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN i.kind = 'invoice' THEN i.total_cents ELSE -i.total_cents END), 0),
		COALESCE(SUM(CASE WHEN i.kind = 'invoice' THEN i.paid_cents ELSE 0 END), 0)`+from+where, args...).
		Scan(&t.Count, &t.TotalCents, &t.PaidCents)
	if err != nil {
		return nil, t, fmt.Errorf("count invoices: %w", err)
	}
	out, _, err := s.listInvoices(ctx, f, from, where, args)
	return out, t, err
}

func (s *Store) listInvoices(ctx context.Context, f InvoiceFilter, from, where string, args []any) ([]*Invoice, InvoiceTotals, error) {
	if f.Limit <= 0 {
		f.Limit = 1 << 30
	}
	// The page's ids come from an index alone (the filter and the order are
	// in invoices_list, invoices_open or invoices_member); only those rows
	// are read, not every row of the selection that a sort would need.
	const order = ` ORDER BY i.status, i.issue_date DESC, i.id DESC`
	rows, err := s.query(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE i.id IN (SELECT i.id`+from+where+order+
		` LIMIT ? OFFSET ?)`+order, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, InvoiceTotals{}, fmt.Errorf("list invoices: %w", err)
	}
	out, err := collectInvoices(rows)
	return out, InvoiceTotals{}, err
}

// OpenTotals sums the open invoices (validated, not fully paid; credit
// notes left out) and, of them, those due before day: the dashboard's two
// figures, in one pass over the partial index invoices_open.
func (s *Store) OpenTotals(ctx context.Context, day date.Date) (open, overdue InvoiceTotals, err error) {
	err = s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(total_cents), 0), COALESCE(SUM(paid_cents), 0),
		COALESCE(SUM(CASE WHEN due_date < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN due_date < ? THEN total_cents ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN due_date < ? THEN paid_cents ELSE 0 END), 0)
		FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents`, day, day, day).
		Scan(&open.Count, &open.TotalCents, &open.PaidCents, &overdue.Count, &overdue.TotalCents, &overdue.PaidCents)
	if err != nil {
		return open, overdue, fmt.Errorf("open invoice totals: %w", err)
	}
	return open, overdue, nil
}

// OpenInvoices returns a member's validated invoices not fully paid, oldest
// first: the order in which payments settle them.
func (s *Store) OpenInvoices(ctx context.Context, memberID int64) ([]*Invoice, error) {
	rows, err := s.query(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE i.member_id = ?
		AND i.kind = 'invoice' AND i.status = 'validated' AND i.paid_cents < i.total_cents
		ORDER BY i.issue_date, i.number`, memberID)
	if err != nil {
		return nil, fmt.Errorf("open invoices of member %d: %w", memberID, err)
	}
	return collectInvoices(rows)
}

func collectInvoices(rows *sql.Rows) ([]*Invoice, error) {
	defer rows.Close()
	var out []*Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, fmt.Errorf("scan invoice: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// AddPaid changes what was settled on an invoice (negative to undo).
func (s *Store) AddPaid(ctx context.Context, invoiceID, cents int64) error {
	res, err := s.exec(ctx, `UPDATE invoices SET paid_cents = paid_cents + ? WHERE id = ?
		AND status = 'validated' AND paid_cents + ? BETWEEN 0 AND total_cents`, cents, invoiceID, cents)
	if err != nil {
		return fmt.Errorf("settle invoice %d: %w", invoiceID, err)
	}
	n, _ := res.RowsAffected()
	if n != 1 {
		return fmt.Errorf("settle %d cents on invoice %d: more than what remains", cents, invoiceID)
	}
	return nil
}

// LastIssueDate returns the latest issue date of a kind of document ("" zero
// when none), for chronological numbering.
func (s *Store) LastIssueDate(ctx context.Context, kind string) (date.Date, error) {
	var d date.Date
	err := s.queryRow(ctx, `SELECT MAX(issue_date) FROM invoices WHERE kind = ? AND status = 'validated'`, kind).Scan(&d)
	if err != nil {
		return d, fmt.Errorf("last issue date: %w", err)
	}
	return d, nil
}

// LockInvoice locks an invoice row until the end of the transaction, so
// that writes that depend on it (credit notes) take turns. On SQLite every
// write transaction already holds the database lock from its start (BEGIN
// IMMEDIATE): nothing to do.
func (s *Store) LockInvoice(ctx context.Context, id int64) error {
	if s.dialect != Postgres {
		return nil
	}
	var got int64
	if err := s.queryRow(ctx, `SELECT id FROM invoices WHERE id = ? FOR UPDATE`, id).Scan(&got); err != nil {
		return notFound(err, "invoice", id)
	}
	return nil
}

// TaxAmounts are the amounts excluding tax and the tax at one tax rate.
type TaxAmounts struct {
	ExclCents, TaxCents int64
}

// CreditedByRate sums the lines of an invoice's validated credit notes by
// tax rate.
func (s *Store) CreditedByRate(ctx context.Context, invoiceID int64) (map[int]TaxAmounts, error) {
	rows, err := s.query(ctx, `SELECT l.tax_rate_bp, SUM(l.amount_cents), SUM(l.tax_cents)
		FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		WHERE i.credited_invoice_id = ? AND i.kind = ? AND i.status = ? GROUP BY l.tax_rate_bp`,
		invoiceID, model.KindCreditNote, model.InvoiceValidated)
	if err != nil {
		return nil, fmt.Errorf("credited amounts of invoice %d: %w", invoiceID, err)
	}
	defer rows.Close()
	out := map[int]TaxAmounts{}
	for rows.Next() {
		var bp int
		var a TaxAmounts
		if err := rows.Scan(&bp, &a.ExclCents, &a.TaxCents); err != nil {
			return nil, fmt.Errorf("credited amounts of invoice %d: %w", invoiceID, err)
		}
		out[bp] = a
	}
	return out, rows.Err()
}

// InvoiceMemberIDs returns the members of the invoices matching f, each
// once, at most limit: those a message about these invoices goes to.
func (s *Store) InvoiceMemberIDs(ctx context.Context, f InvoiceFilter, limit int) ([]int64, error) {
	where, args := f.where()
	rows, err := s.query(ctx, `SELECT DISTINCT i.member_id`+invoiceFrom+where+` ORDER BY i.member_id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("members of invoices: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("members of invoices: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
