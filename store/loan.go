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

// MemberRef names a member where a whole Member is not needed.
type MemberRef struct {
	ID               int64
	Login            string
	PersonType       string
	FirstName        string
	LastName         string
	OrganizationName string
}

// DisplayName is the organisation for a legal person, else "First Last",
// else the login, as Member.DisplayName.
func (r *MemberRef) DisplayName() string {
	if r.PersonType == model.LegalPerson && r.OrganizationName != "" {
		return r.OrganizationName
	}
	if n := strings.TrimSpace(r.FirstName + " " + r.LastName); n != "" {
		return n
	}
	return r.Login
}

// nullMemberRef scans the columns of a LEFT JOINed member.
type nullMemberRef struct {
	login, personType, firstName, lastName, organization sql.NullString
}

func (n nullMemberRef) ref(id int64) *MemberRef {
	return &MemberRef{ID: id, Login: n.login.String, PersonType: n.personType.String,
		FirstName: n.firstName.String, LastName: n.lastName.String, OrganizationName: n.organization.String}
}

// Loan is an item lent to a member, from StartDate to EndDate (zero while out).
type Loan struct {
	ID        int64
	ItemID    int64
	MemberID  int64
	Member    *MemberRef
	StartDate date.Date
	EndDate   date.Date
	Notes     string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Item is set by MemberLoans (designation, type, MAC, serial).
	Item *Item
}

// Open tells whether the item is still out.
func (l *Loan) Open() bool { return l.EndDate.IsZero() }

// LendItem records that l.ItemID is lent to l.MemberID from l.StartDate.
// An item already out is refused by the database (ErrConflict), a deployed
// one by ErrItemDeployed.
func (s *Store) LendItem(ctx context.Context, l *Loan) error {
	return s.Tx(ctx, func(tx *Store) error {
		var deployed bool
		err := tx.queryRow(ctx, `SELECT deployed FROM items WHERE id = ?`, l.ItemID).Scan(&deployed)
		if err != nil {
			return notFound(err, "item", l.ItemID)
		}
		if deployed {
			return fmt.Errorf("lend item %d: %w", l.ItemID, ErrItemDeployed)
		}
		now := tx.now()
		l.CreatedAt, l.UpdatedAt, l.EndDate = now, now, date.Date{}
		id, err := tx.insert(ctx, `INSERT INTO loans (item_id, member_id, start_date, end_date, notes,
			created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?)`,
			l.ItemID, l.MemberID, l.StartDate, l.Notes, l.CreatedAt, l.UpdatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("lend item %d: already on loan: %w", l.ItemID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("lend item %d: %w", l.ItemID, err)
		}
		l.ID = id
		return nil
	})
}

// ReturnItem closes the open loan of an item on day end (or on its start
// day, if end is earlier). ErrNotFound when the item is not out.
func (s *Store) ReturnItem(ctx context.Context, itemID int64, end date.Date) (*Loan, error) {
	var l *Loan
	err := s.Tx(ctx, func(tx *Store) error {
		loans, err := tx.loans(ctx, `l.item_id = ? AND l.end_date IS NULL`, itemID)
		if err != nil {
			return err
		}
		if len(loans) == 0 {
			return fmt.Errorf("return item %d: no open loan: %w", itemID, ErrNotFound)
		}
		l = loans[0]
		l.EndDate = date.Max(end, l.StartDate)
		l.UpdatedAt = tx.now()
		_, err = tx.exec(ctx, `UPDATE loans SET end_date = ?, updated_at = ? WHERE id = ?`,
			l.EndDate, l.UpdatedAt, l.ID)
		if err != nil {
			return fmt.Errorf("return item %d: %w", itemID, err)
		}
		return nil
	})
	return l, err
}

// UpdateLoan corrects the dates and notes of a loan. Reopening a closed loan
// of an item out again is refused by the database (ErrConflict).
func (s *Store) UpdateLoan(ctx context.Context, l *Loan) error {
	l.UpdatedAt = s.now()
	res, err := s.exec(ctx, `UPDATE loans SET start_date = ?, end_date = ?, notes = ?, updated_at = ? WHERE id = ?`,
		l.StartDate, l.EndDate, l.Notes, l.UpdatedAt, l.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("update loan %d: %w", l.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update loan %d: %w", l.ID, err)
	}
	return expectOne(res, "loan", l.ID)
}

// LoanByID returns one loan with its member.
func (s *Store) LoanByID(ctx context.Context, id int64) (*Loan, error) {
	loans, err := s.loans(ctx, `l.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(loans) == 0 {
		return nil, fmt.Errorf("loan %d: %w", id, ErrNotFound)
	}
	return loans[0], nil
}

// ItemLoans returns the history of an item, the open loan first, then the
// newest.
func (s *Store) ItemLoans(ctx context.Context, itemID int64) ([]*Loan, error) {
	return s.loans(ctx, `l.item_id = ?`, itemID)
}

// MemberLoans returns the loans of one member, open ones first, with the
// items they are about.
func (s *Store) MemberLoans(ctx context.Context, memberID int64) ([]*Loan, error) {
	loans, err := s.loans(ctx, `l.member_id = ?`, memberID)
	if err != nil || len(loans) == 0 {
		return loans, err
	}
	for _, l := range loans {
		if l.Item, err = s.ItemByID(ctx, l.ItemID); err != nil {
			return nil, fmt.Errorf("loans of member %d: %w", memberID, err)
		}
	}
	return loans, nil
}

// loans runs a loan query whose WHERE clause is cond (a constant of this file).
func (s *Store) loans(ctx context.Context, cond string, args ...any) ([]*Loan, error) {
	rows, err := s.query(ctx, `SELECT l.id, l.item_id, l.member_id, m.login, m.person_type,
		m.first_name, m.last_name, m.organization_name, l.start_date, l.end_date, l.notes,
		l.created_at, l.updated_at
		FROM loans l JOIN members m ON m.id = l.member_id WHERE `+cond+`
		ORDER BY CASE WHEN l.end_date IS NULL THEN 0 ELSE 1 END, l.start_date DESC, l.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list loans: %w", err)
	}
	defer rows.Close()
	var out []*Loan
	for rows.Next() {
		var l Loan
		var m MemberRef
		if err := rows.Scan(&l.ID, &l.ItemID, &l.MemberID, &m.Login, &m.PersonType, &m.FirstName,
			&m.LastName, &m.OrganizationName, &l.StartDate, &l.EndDate, &l.Notes, &l.CreatedAt, &l.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan loan: %w", err)
		}
		m.ID = l.MemberID
		l.Member = &m
		out = append(out, &l)
	}
	return out, rows.Err()
}

// LendableMembers returns who can be lent an item or named as an owner:
// members and pending applicants, by login.
func (s *Store) LendableMembers(ctx context.Context) ([]*MemberRef, error) {
	rows, err := s.query(ctx, `SELECT id, login, person_type, first_name, last_name, organization_name
		FROM members WHERE status IN ('member', 'pending') ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("lendable members: %w", err)
	}
	defer rows.Close()
	var out []*MemberRef
	for rows.Next() {
		var m MemberRef
		if err := rows.Scan(&m.ID, &m.Login, &m.PersonType, &m.FirstName, &m.LastName, &m.OrganizationName); err != nil {
			return nil, fmt.Errorf("scan member: %w", err)
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}
