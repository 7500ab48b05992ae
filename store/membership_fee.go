package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// FeePaymentMethods lists the methods a fee may be paid by, in display order.
var FeePaymentMethods = []string{model.PayTransfer, model.PayCheck, model.PayCash, model.PayCard, model.PayOther}

// ErrFeeOverlap is returned when a new fee's period overlaps one of the
// member's fees: the usual sign of a payment recorded twice.
var ErrFeeOverlap = fmt.Errorf("overlaps another fee of the member: %w", ErrConflict)

// MembershipFee is one paid period of membership.
type MembershipFee struct {
	ID            int64
	MemberID      int64
	Amount        int64 // cents
	StartDate     date.Date
	EndDate       date.Date
	PaymentMethod string
	Reference     string
	PaymentDate   date.Date // zero when unknown
	// PaymentID is the billing payment the fee was matched from, if any.
	PaymentID *int64
	CreatedBy *int64
	CreatedAt time.Time
}

// Covers tells whether the fee covers day d.
func (f *MembershipFee) Covers(d date.Date) bool {
	return !d.Before(f.StartDate) && !d.After(f.EndDate)
}

const feeColumns = `id, member_id, amount, start_date, end_date, payment_method, reference,
	payment_date, payment_id, created_by, created_at`

func scanFee(row scanner) (*MembershipFee, error) {
	var f MembershipFee
	err := row.Scan(&f.ID, &f.MemberID, &f.Amount, &f.StartDate, &f.EndDate, &f.PaymentMethod,
		&f.Reference, &f.PaymentDate, &f.PaymentID, &f.CreatedBy, &f.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// CreateMembershipFee records a fee and sets its ID. It refuses a period
// overlapping another fee of the member (ErrFeeOverlap) and a payment
// already matched to a fee (ErrConflict). Billing calls it with PaymentID
// set when a payment is matched to a fee.
func (s *Store) CreateMembershipFee(ctx context.Context, f *MembershipFee) error {
	if f.EndDate.Before(f.StartDate) {
		return fmt.Errorf("create membership fee: end %s before start %s", f.EndDate, f.StartDate)
	}
	err := s.Tx(ctx, func(tx *Store) error {
		// Serialise fee writes per member: SQLite transactions already hold
		// the write lock from their start; PostgreSQL locks the member row.
		if tx.dialect == Postgres {
			var id int64
			if err := tx.queryRow(ctx, `SELECT id FROM members WHERE id = ? FOR UPDATE`, f.MemberID).Scan(&id); err != nil {
				return notFound(err, "member", f.MemberID)
			}
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM membership_fees WHERE member_id = ?
			AND start_date <= ? AND end_date >= ?`, f.MemberID, f.EndDate, f.StartDate).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrFeeOverlap
		}
		f.CreatedAt = tx.now()
		id, err := tx.insert(ctx, `INSERT INTO membership_fees (member_id, amount, start_date,
			end_date, payment_method, reference, payment_date, payment_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.MemberID, f.Amount, f.StartDate, f.EndDate,
			f.PaymentMethod, f.Reference, f.PaymentDate, f.PaymentID, f.CreatedBy, f.CreatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("payment %d is already matched to a fee: %w", derefID(f.PaymentID), ErrConflict)
		}
		if err != nil {
			return err
		}
		f.ID = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("create membership fee of member %d: %w", f.MemberID, err)
	}
	return nil
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// MembershipFeesOfMember returns a member's fees, latest first.
func (s *Store) MembershipFeesOfMember(ctx context.Context, memberID int64) ([]*MembershipFee, error) {
	rows, err := s.query(ctx, `SELECT `+feeColumns+` FROM membership_fees WHERE member_id = ?
		ORDER BY end_date DESC, id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("membership fees of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*MembershipFee
	for rows.Next() {
		f, err := scanFee(rows)
		if err != nil {
			return nil, fmt.Errorf("scan membership fee: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// MembershipFeeByID returns one fee of a member: a fee of another member is
// not found, so that URLs cannot reach across members.
func (s *Store) MembershipFeeByID(ctx context.Context, memberID, id int64) (*MembershipFee, error) {
	f, err := scanFee(s.queryRow(ctx, `SELECT `+feeColumns+` FROM membership_fees
		WHERE id = ? AND member_id = ?`, id, memberID))
	if err != nil {
		return nil, notFound(err, "membership fee", id)
	}
	return f, nil
}

// DeleteMembershipFee removes a fee of a member.
func (s *Store) DeleteMembershipFee(ctx context.Context, memberID, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM membership_fees WHERE id = ? AND member_id = ?`, id, memberID)
	if err != nil {
		return fmt.Errorf("delete membership fee %d: %w", id, err)
	}
	return expectOne(res, "membership fee", id)
}

// FeeListFilter selects members for the fee list.
type FeeListFilter struct {
	Day    date.Date // the day "up to date" is judged on
	State  string    // "" or one of model.FeeUpToDate, model.FeeExpired, model.FeeNever
	Status string    // member status, "" for all
	Search string
	Limit  int
	Offset int
}

// MemberFee is a member with their latest fee (nil when they never paid).
type MemberFee struct {
	Member   *Member
	Latest   *MembershipFee
	UpToDate bool
}

func (f FeeListFilter) where() (string, []any) {
	conds := []string{"1=1"}
	var args []any
	covering := `EXISTS (SELECT 1 FROM membership_fees c WHERE c.member_id = m.id AND c.start_date <= ? AND c.end_date >= ?)`
	switch f.State {
	case model.FeeUpToDate:
		conds = append(conds, covering)
		args = append(args, f.Day, f.Day)
	case model.FeeExpired:
		conds = append(conds, `EXISTS (SELECT 1 FROM membership_fees e WHERE e.member_id = m.id) AND NOT `+covering)
		args = append(args, f.Day, f.Day)
	case model.FeeNever:
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM membership_fees n WHERE n.member_id = m.id)`)
	}
	if f.Status != "" {
		conds = append(conds, "m.status = ?")
		args = append(args, f.Status)
	}
	if f.Search != "" {
		cond, a := likeAny(f.Search, "m.search_key")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	return " WHERE (" + strings.Join(conds, ") AND (") + ")", args
}

// ListMemberFees returns members with their latest fee, by name, and the
// total matching the filter.
func (s *Store) ListMemberFees(ctx context.Context, f FeeListFilter) ([]MemberFee, int, error) {
	where, args := f.where()
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM members m`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count member fees: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	cols := "m." + joinColumns(memberColumns, ", m.")
	fcols := "lf." + joinColumns(feeColumns, ", lf.")
	covered := `CASE WHEN EXISTS (SELECT 1 FROM membership_fees c WHERE c.member_id = m.id
		AND c.start_date <= ? AND c.end_date >= ?) THEN 1 ELSE 0 END`
	args = append([]any{f.Day, f.Day}, args...)
	rows, err := s.query(ctx, `SELECT `+cols+`, `+fcols+`, `+covered+` FROM members m
		LEFT JOIN membership_fees lf ON lf.id = (SELECT l.id FROM membership_fees l
			WHERE l.member_id = m.id ORDER BY l.end_date DESC, l.id DESC LIMIT 1)`+where+`
		ORDER BY `+byName("m.")+`, m.id
		LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list member fees: %w", err)
	}
	defer rows.Close()
	var out []MemberFee
	for rows.Next() {
		var m Member
		var fee nullableFee
		var upToDate int
		err := rows.Scan(&m.ID, &m.Login, &m.PasswordHash, &m.Role, &m.PersonType, &m.FirstName,
			&m.LastName, &m.OrganizationName, &m.Nickname, &m.Email, &m.EmailVerifiedAt, &m.Phone,
			&m.Address, &m.PostalCode, &m.City, &m.Country, &m.Status, &m.Language,
			&m.SendFeeReminders, &m.Comments, &m.SelfRegistered, &m.DateJoined, &m.ResignDate, &m.CreatedAt, &m.UpdatedAt,
			&fee.ID, &fee.MemberID, &fee.Amount, &fee.StartDate, &fee.EndDate, &fee.PaymentMethod,
			&fee.Reference, &fee.PaymentDate, &fee.PaymentID, &fee.CreatedBy, &fee.CreatedAt, &upToDate)
		if err != nil {
			return nil, 0, fmt.Errorf("scan member fee: %w", err)
		}
		mf := MemberFee{Member: &m, UpToDate: upToDate == 1}
		if fee.ID != nil {
			mf.Latest = fee.fee()
		}
		out = append(out, mf)
	}
	return out, total, rows.Err()
}

// nullableFee scans the fee side of a LEFT JOIN.
type nullableFee struct {
	ID, MemberID, Amount     *int64
	StartDate, EndDate       date.Date
	PaymentMethod, Reference *string
	PaymentDate              date.Date
	PaymentID, CreatedBy     *int64
	CreatedAt                *time.Time
}

func (n nullableFee) fee() *MembershipFee {
	return &MembershipFee{ID: *n.ID, MemberID: *n.MemberID, Amount: *n.Amount, StartDate: n.StartDate,
		EndDate: n.EndDate, PaymentMethod: *n.PaymentMethod, Reference: *n.Reference,
		PaymentDate: n.PaymentDate, PaymentID: n.PaymentID, CreatedBy: n.CreatedBy, CreatedAt: *n.CreatedAt}
}

// FeeStateCounts counts members (role member) by fee state on day.
type FeeStateCounts struct{ UpToDate, Expired, Never int }

// CountFeeStates counts members of status "member" by fee state on day.
func (s *Store) CountFeeStates(ctx context.Context, day date.Date) (FeeStateCounts, error) {
	var c FeeStateCounts
	err := s.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM membership_fees f WHERE f.member_id = m.id
			AND f.start_date <= ? AND f.end_date >= ?) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM membership_fees f WHERE f.member_id = m.id) THEN 1 ELSE 0 END), 0),
		COUNT(*)
		FROM members m WHERE m.status = 'member'`, day, day).Scan(&c.UpToDate, &c.Never, &c.Expired)
	if err != nil {
		return c, fmt.Errorf("count fee states: %w", err)
	}
	c.Expired -= c.UpToDate + c.Never
	return c, nil
}

// joinColumns rejoins a column list with sep, to qualify its names with a
// table alias: joinColumns("a, b", ", m.") is "a, m.b".
func joinColumns(cols, sep string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, sep)
}
