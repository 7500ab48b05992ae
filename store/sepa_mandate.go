package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"coin/date"
)

// Mandate is a member's SEPA direct debit authorisation.
type Mandate struct {
	ID            int64
	MemberID      int64
	Reference     string // unique mandate reference (RUM)
	SignatureDate date.Date
	IBAN          string // normalised
	BIC           string
	SequenceType  string
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// CollectedIBAN and CollectedBIC are the account and bank of the last
	// collection asked on this mandate ("" before the first): the next
	// file announces a change since then as an amendment. RecordDebit
	// sets them; forms never do.
	CollectedIBAN string
	CollectedBIC  string
	// SuspendedAt is set when two collections in a row came back: no
	// file collects on the mandate until staff resume it.
	SuspendedAt *time.Time

	MemberName string // filled by queries
}

const mandateColumns = `d.id, d.member_id, d.reference, d.signature_date, d.iban, d.bic, d.sequence_type,
	d.active, d.created_at, d.updated_at, d.collected_iban, d.collected_bic, d.suspended_at,
	CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END`

const mandateFrom = ` FROM sepa_mandates d JOIN members m ON m.id = d.member_id`

func scanMandate(row scanner) (*Mandate, error) {
	var d Mandate
	err := row.Scan(&d.ID, &d.MemberID, &d.Reference, &d.SignatureDate, &d.IBAN, &d.BIC, &d.SequenceType,
		&d.Active, &d.CreatedAt, &d.UpdatedAt, &d.CollectedIBAN, &d.CollectedBIC, &d.SuspendedAt, &d.MemberName)
	return &d, err
}

// CreateMandate stores a mandate. ErrConflict when its reference is taken
// or the member already has an active mandate.
func (s *Store) CreateMandate(ctx context.Context, d *Mandate) error {
	now := s.now()
	d.CreatedAt, d.UpdatedAt = now, now
	id, err := s.insert(ctx, `INSERT INTO sepa_mandates (member_id, reference, signature_date, iban, bic,
		sequence_type, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.MemberID,
		d.Reference, d.SignatureDate, d.IBAN, d.BIC, d.SequenceType, d.Active, d.CreatedAt, d.UpdatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("create mandate %q: %w", d.Reference, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create mandate of member %d: %w", d.MemberID, err)
	}
	d.ID = id
	return nil
}

// UpdateMandate changes a member's mandate.
func (s *Store) UpdateMandate(ctx context.Context, d *Mandate) error {
	d.UpdatedAt = s.now()
	res, err := s.exec(ctx, `UPDATE sepa_mandates SET reference = ?, signature_date = ?, iban = ?, bic = ?,
		sequence_type = ?, active = ?, updated_at = ? WHERE id = ? AND member_id = ?`, d.Reference,
		d.SignatureDate, d.IBAN, d.BIC, d.SequenceType, d.Active, d.UpdatedAt, d.ID, d.MemberID)
	if isUniqueViolation(err) {
		return fmt.Errorf("update mandate %q: %w", d.Reference, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update mandate %d: %w", d.ID, err)
	}
	return expectOne(res, "mandate", d.ID)
}

// MandateByID returns a mandate of a member (another member's is not found).
func (s *Store) MandateByID(ctx context.Context, memberID, id int64) (*Mandate, error) {
	d, err := scanMandate(s.queryRow(ctx, `SELECT `+mandateColumns+mandateFrom+` WHERE d.id = ? AND d.member_id = ?`, id, memberID))
	if err != nil {
		return nil, notFound(err, "mandate", id)
	}
	return d, nil
}

// MandatesOfMember returns a member's mandates, active first.
func (s *Store) MandatesOfMember(ctx context.Context, memberID int64) ([]*Mandate, error) {
	return s.mandates(ctx, ` WHERE d.member_id = ? ORDER BY d.active DESC, d.signature_date DESC, d.id DESC`, memberID)
}

// ListMandates returns every mandate, active first, by member name.
func (s *Store) ListMandates(ctx context.Context) ([]*Mandate, error) {
	return s.mandates(ctx, ` ORDER BY d.active DESC, LOWER(m.last_name), LOWER(m.first_name), d.id`)
}

func (s *Store) mandates(ctx context.Context, tail string, args ...any) ([]*Mandate, error) {
	rows, err := s.query(ctx, `SELECT `+mandateColumns+mandateFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list mandates: %w", err)
	}
	defer rows.Close()
	var out []*Mandate
	for rows.Next() {
		d, err := scanMandate(rows)
		if err != nil {
			return nil, fmt.Errorf("scan mandate: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ActiveMandates returns the active mandate of each of the members that
// have one (a member has at most one), by member id.
func (s *Store) ActiveMandates(ctx context.Context, memberIDs []int64) (map[int64]*Mandate, error) {
	out := map[int64]*Mandate{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(memberIDs))
	for i, id := range memberIDs {
		args[i] = id
	}
	ds, err := s.mandates(ctx, ` WHERE d.active AND d.suspended_at IS NULL AND d.member_id IN (?`+strings.Repeat(", ?", len(memberIDs)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out[d.MemberID] = d
	}
	return out, nil
}

// LastDebitOf returns the last direct debit asked for an invoice, nil when
// it was never put in a file.
func (s *Store) LastDebitOf(ctx context.Context, invoiceID int64) (*InvoiceDebit, error) {
	var d InvoiceDebit
	err := s.queryRow(ctx, `SELECT d.collection_date, md.iban FROM sepa_debits d
		JOIN sepa_mandates md ON md.id = d.mandate_id WHERE d.invoice_id = ? AND d.returned_at IS NULL
		ORDER BY d.collection_date DESC, d.id DESC LIMIT 1`, invoiceID).Scan(&d.CollectionDate, &d.IBAN)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last direct debit of invoice %d: %w", invoiceID, err)
	}
	return &d, nil
}

// DebitCandidate is an open invoice of a member with an active mandate,
// never put in a direct debit file before.
type DebitCandidate struct {
	Invoice *Invoice
	Mandate *Mandate
}

// DebitCandidates lists the open invoices to collect by direct debit,
// oldest first.
func (s *Store) DebitCandidates(ctx context.Context) ([]DebitCandidate, error) {
	rows, err := s.query(ctx, `SELECT `+invoiceColumns+`, `+mandateColumns+invoiceFrom+`
		JOIN sepa_mandates d ON d.member_id = i.member_id AND d.active AND d.suspended_at IS NULL
		WHERE i.kind = 'invoice' AND i.status = 'validated' AND i.paid_cents < i.total_cents
		AND NOT EXISTS (SELECT 1 FROM sepa_debits x WHERE x.invoice_id = i.id)
		ORDER BY i.issue_date, i.number`)
	if err != nil {
		return nil, fmt.Errorf("direct debit candidates: %w", err)
	}
	defer rows.Close()
	var out []DebitCandidate
	for rows.Next() {
		var inv Invoice
		var number *string
		var d Mandate
		if err := rows.Scan(&inv.ID, &inv.Kind, &inv.MemberID, &inv.Status, &number, &inv.IssueDate, &inv.DueDate,
			&inv.CreditedInvoiceID, &inv.TotalExclCents, &inv.TaxCents, &inv.TotalCents, &inv.PaidCents, &inv.Language,
			&inv.HasPDF, &inv.CreatedAt, &inv.ValidatedAt, &inv.MemberLogin, &inv.MemberName,
			&d.ID, &d.MemberID, &d.Reference, &d.SignatureDate, &d.IBAN, &d.BIC, &d.SequenceType,
			&d.Active, &d.CreatedAt, &d.UpdatedAt, &d.CollectedIBAN, &d.CollectedBIC, &d.SuspendedAt, &d.MemberName); err != nil {
			return nil, fmt.Errorf("scan direct debit candidate: %w", err)
		}
		if number != nil {
			inv.Number = *number
		}
		out = append(out, DebitCandidate{Invoice: &inv, Mandate: &d})
	}
	return out, rows.Err()
}

// Debit is one collection asked in a direct debit file.
type Debit struct {
	ID             int64
	InvoiceID      int64
	MandateID      int64
	MessageID      string
	EndToEndID     string
	AmountCents    int64
	SequenceType   string
	CollectionDate date.Date
	CreatedAt      time.Time
	ReturnedAt     *time.Time // when the bank sent it back or refused it
	ReturnKind     string     // model.DebitReturned or model.DebitRejected
	ReturnCode     string     // the ISO 20022 reason code (AM04, MD06…)
}

// RecordDebit remembers a collection asked, moves a first-time mandate to
// recurring (the next file announces it as such) and records the mandate's
// account and bank as the last collected: an amendment is announced once.
func (s *Store) RecordDebit(ctx context.Context, d *Debit) error {
	d.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO sepa_debits (invoice_id, mandate_id, message_id, end_to_end_id,
		amount_cents, sequence_type, collection_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.InvoiceID, d.MandateID, d.MessageID, d.EndToEndID, d.AmountCents, d.SequenceType, d.CollectionDate, d.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("direct debit %s: %w", d.EndToEndID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("record direct debit of invoice %d: %w", d.InvoiceID, err)
	}
	d.ID = id
	if _, err := s.exec(ctx, `UPDATE sepa_mandates SET sequence_type = 'RCUR', updated_at = ?
		WHERE id = ? AND sequence_type = 'FRST'`, d.CreatedAt, d.MandateID); err != nil {
		return fmt.Errorf("mandate %d to recurring: %w", d.MandateID, err)
	}
	if _, err := s.exec(ctx, `UPDATE sepa_mandates SET collected_iban = iban, collected_bic = bic
		WHERE id = ?`, d.MandateID); err != nil {
		return fmt.Errorf("mandate %d account collected: %w", d.MandateID, err)
	}
	return nil
}

// InvoiceDebit is the direct debit asked for an invoice: when, from which
// account.
type InvoiceDebit struct {
	CollectionDate date.Date
	IBAN           string
}

// OpenInvoicesAndDebits is the member's open invoices with, per invoice
// id, the last direct debit asked for it (those are in collection, not to
// be paid by transfer), in the same one query. It reads only what the
// member's "What I owe" shows (no member name, PDF or timestamps), and
// the debit that is not returned (an invoice goes in one file only, so
// there is at most one) by its id, without a sort per invoice: the home
// page runs it on every visit.
func (s *Store) OpenInvoicesAndDebits(ctx context.Context, memberID int64) ([]*Invoice, map[int64]InvoiceDebit, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.kind, i.member_id, i.status, i.number, i.issue_date, i.due_date,
		i.total_cents, i.paid_cents, i.language,
		d.collection_date, md.iban FROM invoices i
		LEFT JOIN sepa_debits d ON d.id = (SELECT MAX(x.id) FROM sepa_debits x WHERE x.invoice_id = i.id AND x.returned_at IS NULL)
		LEFT JOIN sepa_mandates md ON md.id = d.mandate_id WHERE i.member_id = ?
		AND i.kind = 'invoice' AND i.status = 'validated' AND i.paid_cents < i.total_cents
		ORDER BY i.issue_date, i.number`, memberID)
	if err != nil {
		return nil, nil, fmt.Errorf("open invoices of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*Invoice
	debits := map[int64]InvoiceDebit{}
	for rows.Next() {
		var inv Invoice
		var number sql.NullString
		var day *date.Date
		var iban *string
		if err := rows.Scan(&inv.ID, &inv.Kind, &inv.MemberID, &inv.Status, &number, &inv.IssueDate, &inv.DueDate,
			&inv.TotalCents, &inv.PaidCents, &inv.Language, &day, &iban); err != nil {
			return nil, nil, fmt.Errorf("scan invoice: %w", err)
		}
		inv.Number = number.String
		if day != nil && iban != nil {
			debits[inv.ID] = InvoiceDebit{CollectionDate: *day, IBAN: *iban}
		}
		out = append(out, &inv)
	}
	return out, debits, rows.Err()
}
