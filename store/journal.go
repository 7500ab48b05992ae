package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coin/date"
)

// JournalEntry is one entry of the ledger: balanced lines written once,
// numbered when written, never changed (triggers refuse it).
type JournalEntry struct {
	ID           int64
	Journal      string
	JournalLabel string
	FiscalYear   int
	Seq          int
	Number       string // Journal, fiscal year, "-", Seq on 6 digits: VE2027-000001
	Date         date.Date
	PieceRef     string
	PieceDate    date.Date
	Label        string
	SourceKind   string // invoice, payment, fee, fee_reversal
	SourceID     int64
	DocKind      string // invoice, credit_note, payment, fee, fee_reversal
	MemberLogin  string
	MemberName   string
	Method       string    // how it was paid (payments, fees)
	CreditedRef  string    // the invoice a credit note credits
	ValidDate    date.Date // the day it was written (FEC ValidDate)
	CreatedAt    time.Time
	Lines        []*JournalLine
}

// JournalLine is one debit or credit of an entry, in cents.
type JournalLine struct {
	Account      string
	AccountLabel string
	AuxNum       string // customer sub-account (the member's login)
	AuxLabel     string
	Label        string
	DebitCents   int64
	CreditCents  int64
}

// ErrUnbalanced is returned for an entry whose debits and credits differ.
var ErrUnbalanced = errors.New("journal entry does not balance")

// JournalNumber formats an entry number.
func JournalNumber(journal string, year, seq int) string {
	return fmt.Sprintf("%s%d-%06d", journal, year, seq)
}

// CreateJournalEntry numbers e in its journal and fiscal year (the next
// value of sequence "ledger:JOURNAL" for that year, taken in this
// transaction so a rollback leaves no gap) and writes it with its lines.
// It refuses an entry that does not balance, has no line or a negative
// amount.
func (s *Store) CreateJournalEntry(ctx context.Context, e *JournalEntry) error {
	if !s.inTx {
		return errors.New("CreateJournalEntry needs a transaction")
	}
	var debit, credit int64
	for _, l := range e.Lines {
		if l.DebitCents < 0 || l.CreditCents < 0 {
			return fmt.Errorf("journal entry %s %d: negative amount: %w", e.SourceKind, e.SourceID, ErrUnbalanced)
		}
		debit += l.DebitCents
		credit += l.CreditCents
	}
	if len(e.Lines) < 2 || debit != credit || debit == 0 {
		return fmt.Errorf("journal entry %s %d: debit %d, credit %d: %w", e.SourceKind, e.SourceID, debit, credit, ErrUnbalanced)
	}
	e.CreatedAt = s.now()
	if e.ValidDate.IsZero() {
		e.ValidDate = date.Of(e.CreatedAt)
	}
	e.FiscalYear = e.Date.Year()
	seq, err := s.nextLedgerNumber(ctx, e.Journal, e.FiscalYear, e.ValidDate)
	if err != nil {
		return err
	}
	e.Seq = seq
	e.Number = JournalNumber(e.Journal, e.FiscalYear, seq)
	id, err := s.insert(ctx, `INSERT INTO journal_entries (journal, journal_label, fiscal_year, seq, number, entry_date,
		piece_ref, piece_date, label, source_kind, source_id, doc_kind, member_login, member_name, method, credited_ref,
		valid_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Journal, e.JournalLabel,
		e.FiscalYear, e.Seq, e.Number, e.Date, e.PieceRef, e.PieceDate, e.Label, e.SourceKind, e.SourceID, e.DocKind,
		e.MemberLogin, e.MemberName, e.Method, e.CreditedRef, e.ValidDate, e.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("journal entry %s %d: %w", e.SourceKind, e.SourceID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("journal entry %s %d: %w", e.SourceKind, e.SourceID, err)
	}
	e.ID = id
	for i, l := range e.Lines {
		if _, err := s.exec(ctx, `INSERT INTO journal_lines (entry_id, position, account, account_label, aux_num,
			aux_label, label, debit_cents, credit_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, l.Account,
			l.AccountLabel, l.AuxNum, l.AuxLabel, l.Label, l.DebitCents, l.CreditCents); err != nil {
			return fmt.Errorf("journal entry %s line %d: %w", e.Number, i+1, err)
		}
	}
	return nil
}

// nextLedgerNumber takes the next entry number of a journal and fiscal
// year from number_sequences (row "ledger:JOURNAL", year), in this
// transaction so that a rollback gives it back. Unlike ReserveNumbers it
// does not ask dates to follow numbers: entries are numbered in the order
// they are written (the FEC's ValidDate order), and a payment dated last
// month imported today takes the next number of its year. last_date keeps
// the latest day of writing.
func (s *Store) nextLedgerNumber(ctx context.Context, journal string, year int, day date.Date) (int, error) {
	name := "ledger:" + journal
	if _, err := s.exec(ctx, `INSERT INTO number_sequences (name, year, last_value, last_date)
		VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING`, name, year, day); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	var last int
	var lastDate date.Date
	q := `SELECT last_value, last_date FROM number_sequences WHERE name = ? AND year = ?`
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	if err := s.queryRow(ctx, q, name, year).Scan(&last, &lastDate); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	if day.Before(lastDate) {
		day = lastDate
	}
	if _, err := s.exec(ctx, `UPDATE number_sequences SET last_value = ?, last_date = ? WHERE name = ? AND year = ?`,
		last+1, day, name, year); err != nil {
		return 0, fmt.Errorf("sequence %s %d: %w", name, year, err)
	}
	return last + 1, nil
}

// HasJournalEntry says whether the source already has its entry.
func (s *Store) HasJournalEntry(ctx context.Context, kind string, id int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM journal_entries WHERE source_kind = ? AND source_id = ?`, kind, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("journal entry of %s %d: %w", kind, id, err)
	}
	return n > 0, nil
}

// JournalEntries returns the entries dated from..to (inclusive) with their
// lines, in date order, then journal and number (journal_entries_date).
func (s *Store) JournalEntries(ctx context.Context, from, to date.Date) ([]*JournalEntry, error) {
	rows, err := s.query(ctx, `SELECT e.id, e.journal, e.journal_label, e.fiscal_year, e.seq, e.number, e.entry_date,
		e.piece_ref, e.piece_date, e.label, e.source_kind, e.source_id, e.doc_kind, e.member_login, e.member_name,
		e.method, e.credited_ref, e.valid_date, e.created_at, l.account, l.account_label, l.aux_num, l.aux_label, l.label, l.debit_cents, l.credit_cents
		FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
		WHERE e.entry_date >= ? AND e.entry_date <= ?
		ORDER BY e.entry_date, e.journal, e.fiscal_year, e.seq, l.position`, from, to)
	if err != nil {
		return nil, fmt.Errorf("journal entries %s..%s: %w", from, to, err)
	}
	defer rows.Close()
	var out []*JournalEntry
	var cur *JournalEntry
	for rows.Next() {
		var e JournalEntry
		var l JournalLine
		if err := rows.Scan(&e.ID, &e.Journal, &e.JournalLabel, &e.FiscalYear, &e.Seq, &e.Number, &e.Date,
			&e.PieceRef, &e.PieceDate, &e.Label, &e.SourceKind, &e.SourceID, &e.DocKind, &e.MemberLogin, &e.MemberName,
			&e.Method, &e.CreditedRef, &e.ValidDate, &e.CreatedAt,
			&l.Account, &l.AccountLabel, &l.AuxNum, &l.AuxLabel, &l.Label, &l.DebitCents, &l.CreditCents); err != nil {
			return nil, err
		}
		if cur == nil || cur.ID != e.ID {
			cur = &e
			out = append(out, cur)
		}
		cur.Lines = append(cur.Lines, &l)
	}
	return out, rows.Err()
}

// ClosedPeriod is a month or a year the treasurer closed.
type ClosedPeriod struct {
	Period   string // YYYY-MM or YYYY
	Start    date.Date
	End      date.Date
	ClosedAt time.Time
	ClosedBy string
}

// LockPeriods orders, on PostgreSQL, the writes dated into a period
// (shared) against the closing of one (exclusive) for the rest of the
// transaction, so that nothing commits into a period closed meanwhile.
// SQLite transactions are already serialised.
func (s *Store) LockPeriods(ctx context.Context, exclusive bool) error {
	if s.dialect != Postgres {
		return nil
	}
	q := `SELECT pg_advisory_xact_lock_shared(7269)`
	if exclusive {
		q = `SELECT pg_advisory_xact_lock(7269)`
	}
	_, err := s.exec(ctx, q)
	return err
}

// ClosedPeriodOn returns the closed period holding day, nil when it is open.
func (s *Store) ClosedPeriodOn(ctx context.Context, day date.Date) (*ClosedPeriod, error) {
	ps, err := s.scanClosed(ctx, `SELECT period, start_date, end_date, closed_at, closed_by FROM closed_periods
		WHERE start_date <= ? AND end_date >= ? ORDER BY start_date LIMIT 1`, day, day)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// ClosedPeriods lists the closed periods, latest first.
func (s *Store) ClosedPeriods(ctx context.Context) ([]*ClosedPeriod, error) {
	return s.scanClosed(ctx, `SELECT period, start_date, end_date, closed_at, closed_by FROM closed_periods
		ORDER BY start_date DESC, end_date DESC`)
}

func (s *Store) scanClosed(ctx context.Context, q string, args ...any) ([]*ClosedPeriod, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("closed periods: %w", err)
	}
	defer rows.Close()
	var out []*ClosedPeriod
	for rows.Next() {
		var p ClosedPeriod
		if err := rows.Scan(&p.Period, &p.Start, &p.End, &p.ClosedAt, &p.ClosedBy); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// CreateClosedPeriod records p as closed; a period closed already is
// ErrConflict.
func (s *Store) CreateClosedPeriod(ctx context.Context, p *ClosedPeriod) error {
	p.ClosedAt = s.now()
	_, err := s.exec(ctx, `INSERT INTO closed_periods (period, start_date, end_date, closed_at, closed_by)
		VALUES (?, ?, ?, ?, ?)`, p.Period, p.Start, p.End, p.ClosedAt, p.ClosedBy)
	if isUniqueViolation(err) {
		return fmt.Errorf("close %s: %w", p.Period, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", p.Period, err)
	}
	return nil
}

// Unbooked is a money event without its journal entry.
type Unbooked struct {
	Kind     string // invoice, payment, fee
	ID       int64
	MemberID int64
	Date     date.Date
}

// UnbookedSources lists the validated invoices, the payments that paid no
// fee and the fees (not free) that have no journal entry, in date order:
// what the ledger's backfill books. It reads whole tables: it runs once,
// after migration 0029 (and after the demo data is loaded).
func (s *Store) UnbookedSources(ctx context.Context) ([]Unbooked, error) {
	rows, err := s.query(ctx, `SELECT kind, id, member_id, day FROM (
		SELECT 'invoice' AS kind, i.id AS id, i.member_id AS member_id, i.issue_date AS day FROM invoices i
			WHERE i.status = 'validated' AND NOT EXISTS (SELECT 1 FROM journal_entries e
				WHERE e.source_kind = 'invoice' AND e.source_id = i.id)
		UNION ALL
		SELECT 'payment', p.id, p.member_id, p.payment_date FROM payments p
			WHERE NOT EXISTS (SELECT 1 FROM membership_fees f WHERE f.payment_id = p.id)
			AND NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.source_kind = 'payment' AND e.source_id = p.id)
		UNION ALL
		SELECT 'fee', f.id, f.member_id, COALESCE(f.payment_date, f.start_date) FROM membership_fees f
			WHERE f.amount > 0 AND NOT EXISTS (SELECT 1 FROM journal_entries e
				WHERE e.source_kind = 'fee' AND e.source_id = f.id)
		) u ORDER BY day, kind, id`)
	if err != nil {
		return nil, fmt.Errorf("unbooked sources: %w", err)
	}
	defer rows.Close()
	var out []Unbooked
	for rows.Next() {
		var u Unbooked
		if err := rows.Scan(&u.Kind, &u.ID, &u.MemberID, &u.Date); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// LedgerBackfillPending says whether migration 0029's backfill is still to do.
func (s *Store) LedgerBackfillPending(ctx context.Context) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM ledger_backfill`).Scan(&n); err != nil {
		return false, fmt.Errorf("ledger backfill: %w", err)
	}
	return n > 0, nil
}

// LedgerBackfillDone marks the backfill done.
func (s *Store) LedgerBackfillDone(ctx context.Context) error {
	_, err := s.exec(ctx, `DELETE FROM ledger_backfill`)
	return err
}
