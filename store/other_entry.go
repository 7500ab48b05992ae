package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// Kinds of other entries: money that pays no member.
const (
	OtherDonation = "donation"  // money in, a gift (a tax receipt if it has a donor)
	OtherIncome   = "income"    // money in, any other income
	OtherExpense  = "expense"   // money out to a supplier
	OtherBankFees = "bank_fees" // money out, the bank's charges
)

// OtherKinds lists the kinds in the order forms offer them.
var OtherKinds = []string{OtherDonation, OtherIncome, OtherExpense, OtherBankFees}

// OtherIsIncome tells whether kind is money in.
func OtherIsIncome(kind string) bool { return kind == OtherDonation || kind == OtherIncome }

// OtherEntry is a donation, other income, expense or bank fee, with its
// journal entry.
type OtherEntry struct {
	ID             int64
	Kind           string
	Method         string // transfer, direct_debit (bank lines), cash, check
	Date           date.Date
	AmountCents    int64 // positive, the kind says the direction
	Account        string
	Label          string
	Counterparty   string // supplier, payer
	DonorMemberID  *int64
	DonorName      string // a donor who is not a member
	DonorAddress   string
	BankReference  string
	ImportID       *int64
	JournalEntryID *int64
	ReceiptNumber  string
	ReceiptIssued  date.Date
	CreatedBy      *int64
	CreatedAt      time.Time
	CancelledAt    *time.Time // set by a counter-entry (CancelOtherEntry)

	// Filled by queries.
	EntryNumber string // of the journal entry
	Journal     string
	DonorMember string // the member donor's name
}

// HasDonor tells whether a donation names who gave.
func (o *OtherEntry) HasDonor() bool {
	return o.Kind == OtherDonation && (o.DonorMemberID != nil || o.DonorName != "")
}

const otherColumns = `o.id, o.kind, o.method, o.entry_date, o.amount_cents, o.account, o.label, o.counterparty,
	o.donor_member_id, o.donor_name, o.donor_address, o.bank_reference, o.import_id, o.journal_entry_id,
	COALESCE(o.receipt_number, ''), o.receipt_issued_on, o.created_by, o.created_at, o.cancelled_at,
	COALESCE(j.number, ''), COALESCE(j.journal, ''),
	COALESCE(CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END, '')
	FROM other_entries o LEFT JOIN journal_entries j ON j.id = o.journal_entry_id
	LEFT JOIN members m ON m.id = o.donor_member_id`

func scanOther(row scanner) (*OtherEntry, error) {
	var o OtherEntry
	var issued *date.Date
	err := row.Scan(&o.ID, &o.Kind, &o.Method, &o.Date, &o.AmountCents, &o.Account, &o.Label, &o.Counterparty,
		&o.DonorMemberID, &o.DonorName, &o.DonorAddress, &o.BankReference, &o.ImportID, &o.JournalEntryID,
		&o.ReceiptNumber, &issued, &o.CreatedBy, &o.CreatedAt, &o.CancelledAt, &o.EntryNumber, &o.Journal, &o.DonorMember)
	if issued != nil {
		o.ReceiptIssued = *issued
	}
	return &o, err
}

// CreateOtherEntry stores o (its journal entry is linked afterwards, in
// the same transaction, with LinkOtherEntry).
func (s *Store) CreateOtherEntry(ctx context.Context, o *OtherEntry) error {
	o.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO other_entries (kind, method, entry_date, amount_cents, account, label,
		counterparty, donor_member_id, donor_name, donor_address, bank_reference, import_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.Kind, o.Method, o.Date, o.AmountCents, o.Account, o.Label,
		o.Counterparty, o.DonorMemberID, o.DonorName, o.DonorAddress, o.BankReference, o.ImportID, o.CreatedBy, o.CreatedAt)
	if err != nil {
		return fmt.Errorf("create other entry: %w", err)
	}
	o.ID = id
	return nil
}

// LinkOtherEntry records the journal entry of o.
func (s *Store) LinkOtherEntry(ctx context.Context, o *OtherEntry, entryID int64) error {
	res, err := s.exec(ctx, `UPDATE other_entries SET journal_entry_id = ? WHERE id = ? AND journal_entry_id IS NULL`, entryID, o.ID)
	if err != nil {
		return fmt.Errorf("link other entry %d: %w", o.ID, err)
	}
	o.JournalEntryID = &entryID
	return expectOne(res, "other entry", o.ID)
}

// CancelOtherEntry records the counter-entry that cancels o, once
// (ErrConflict when it was cancelled already).
func (s *Store) CancelOtherEntry(ctx context.Context, o *OtherEntry, entryID int64) error {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE other_entries SET cancelled_at = ?, cancel_entry_id = ?
		WHERE id = ? AND cancelled_at IS NULL`, now, entryID, o.ID)
	if err != nil {
		return fmt.Errorf("cancel other entry %d: %w", o.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("other entry %d already cancelled: %w", o.ID, ErrConflict)
	}
	o.CancelledAt = &now
	return nil
}

// OtherEntryByID returns an entry.
func (s *Store) OtherEntryByID(ctx context.Context, id int64) (*OtherEntry, error) {
	o, err := scanOther(s.queryRow(ctx, `SELECT `+otherColumns+` WHERE o.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "other entry", id)
	}
	return o, nil
}

// OtherEntries returns the entries, latest first, at most limit.
func (s *Store) OtherEntries(ctx context.Context, limit int) ([]*OtherEntry, error) {
	return s.otherEntries(ctx, `SELECT `+otherColumns+` ORDER BY o.entry_date DESC, o.id DESC LIMIT ?`, limit)
}

// ImportEntries returns the entries a confirmed statement import booked,
// in date order.
func (s *Store) ImportEntries(ctx context.Context, importID int64) ([]*OtherEntry, error) {
	return s.otherEntries(ctx, `SELECT `+otherColumns+` WHERE o.import_id = ? ORDER BY o.entry_date, o.id`, importID)
}

// MemberDonations returns the donations of a member, latest first.
func (s *Store) MemberDonations(ctx context.Context, memberID int64) ([]*OtherEntry, error) {
	return s.otherEntries(ctx, `SELECT `+otherColumns+` WHERE o.donor_member_id = ? AND o.kind = 'donation'
		ORDER BY o.entry_date DESC, o.id DESC`, memberID)
}

func (s *Store) otherEntries(ctx context.Context, q string, args ...any) ([]*OtherEntry, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("other entries: %w", err)
	}
	defer rows.Close()
	var out []*OtherEntry
	for rows.Next() {
		o, err := scanOther(rows)
		if err != nil {
			return nil, fmt.Errorf("scan other entry: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOtherReceipt stores the tax receipt of a donation; ErrConflict when
// it has one already.
func (s *Store) SetOtherReceipt(ctx context.Context, id int64, number string, issued date.Date, pdf []byte) error {
	res, err := s.exec(ctx, `UPDATE other_entries SET receipt_number = ?, receipt_issued_on = ?, receipt_pdf = ?
		WHERE id = ? AND receipt_number IS NULL`, number, issued, pdf, id)
	if err != nil {
		return fmt.Errorf("receipt of other entry %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("other entry %d has a receipt: %w", id, ErrConflict)
	}
	return nil
}

// OtherReceiptPDF returns the stored tax receipt of a donation, ErrNotFound
// when none was issued.
func (s *Store) OtherReceiptPDF(ctx context.Context, id int64) ([]byte, error) {
	var pdf []byte
	err := s.queryRow(ctx, `SELECT receipt_pdf FROM other_entries WHERE id = ? AND receipt_pdf IS NOT NULL`, id).Scan(&pdf)
	if err != nil {
		return nil, notFound(err, "receipt of other entry", id)
	}
	return pdf, nil
}

// BankBooking is what a line of a pending import is booked to instead of
// a member.
type BankBooking struct {
	ImportID      int64
	Position      int
	Kind          string
	Account       string
	Label         string
	Counterparty  string
	DonorMemberID *int64
	DonorName     string
	DonorAddress  string
}

// SetBankBooking books a line of a pending import (replacing any booking).
func (s *Store) SetBankBooking(ctx context.Context, b *BankBooking) error {
	if err := s.DeleteBankBooking(ctx, b.ImportID, b.Position); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO bank_import_bookings (import_id, position, kind, account, label, counterparty,
		donor_member_id, donor_name, donor_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.ImportID, b.Position,
		b.Kind, b.Account, b.Label, b.Counterparty, b.DonorMemberID, b.DonorName, b.DonorAddress)
	if err != nil {
		return fmt.Errorf("book bank import line %d/%d: %w", b.ImportID, b.Position, err)
	}
	return nil
}

// DeleteBankBooking removes the booking of a line, if any.
func (s *Store) DeleteBankBooking(ctx context.Context, importID int64, position int) error {
	if _, err := s.exec(ctx, `DELETE FROM bank_import_bookings WHERE import_id = ? AND position = ?`, importID, position); err != nil {
		return fmt.Errorf("unbook bank import line %d/%d: %w", importID, position, err)
	}
	return nil
}

// BankBookings returns the bookings of an import by position.
func (s *Store) BankBookings(ctx context.Context, importID int64) (map[int]*BankBooking, error) {
	rows, err := s.query(ctx, `SELECT import_id, position, kind, account, label, counterparty, donor_member_id,
		donor_name, donor_address FROM bank_import_bookings WHERE import_id = ?`, importID)
	if err != nil {
		return nil, fmt.Errorf("bookings of bank import %d: %w", importID, err)
	}
	defer rows.Close()
	out := map[int]*BankBooking{}
	for rows.Next() {
		var b BankBooking
		if err := rows.Scan(&b.ImportID, &b.Position, &b.Kind, &b.Account, &b.Label, &b.Counterparty,
			&b.DonorMemberID, &b.DonorName, &b.DonorAddress); err != nil {
			return nil, err
		}
		out[b.Position] = &b
	}
	return out, rows.Err()
}
