package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// Member is an account: a member of the association or a volunteer.
type Member struct {
	ID               int64
	Login            string
	PasswordHash     string
	Role             string
	PersonType       string
	FirstName        string
	LastName         string
	OrganizationName string
	Nickname         string
	Email            string
	EmailVerifiedAt  *time.Time
	Phone            string
	Address          string
	PostalCode       string
	City             string
	Country          string
	Status           string
	Language         string
	SendFeeReminders bool
	Comments         string
	SelfRegistered   bool
	DateJoined       date.Date
	ResignDate       date.Date
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// DisplayName is the organisation for a legal person, else "First Last",
// else the login.
func (m *Member) DisplayName() string {
	if m.PersonType == model.LegalPerson && m.OrganizationName != "" {
		return m.OrganizationName
	}
	if n := strings.TrimSpace(m.FirstName + " " + m.LastName); n != "" {
		return n
	}
	return m.Login
}

// IsStaff tells whether the account reaches the back office.
func (m *Member) IsStaff() bool { return m.Role != model.RoleMember }

const memberColumns = `id, login, password_hash, role, person_type, first_name, last_name,
	organization_name, nickname, email, email_verified_at, phone, address, postal_code, city,
	country, status, language, send_fee_reminders, comments, self_registered, date_joined,
	resign_date, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanMember(row scanner) (*Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.Login, &m.PasswordHash, &m.Role, &m.PersonType, &m.FirstName,
		&m.LastName, &m.OrganizationName, &m.Nickname, &m.Email, &m.EmailVerifiedAt, &m.Phone,
		&m.Address, &m.PostalCode, &m.City, &m.Country, &m.Status, &m.Language,
		&m.SendFeeReminders, &m.Comments, &m.SelfRegistered, &m.DateJoined, &m.ResignDate, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// CreateMember inserts m and sets its ID and stamps. The login is stored in
// lower case so that it is unique whatever its case.
func (s *Store) CreateMember(ctx context.Context, m *Member) error {
	now := s.now()
	m.Login = strings.ToLower(strings.TrimSpace(m.Login))
	m.CreatedAt, m.UpdatedAt = now, now
	if m.DateJoined.IsZero() {
		m.DateJoined = date.Of(now)
	}
	id, err := s.insert(ctx, `INSERT INTO members (login, password_hash, role, person_type,
		first_name, last_name, organization_name, nickname, email, email_verified_at, phone,
		address, postal_code, city, country, status, language, send_fee_reminders, comments,
		self_registered, date_joined, resign_date, created_at, updated_at, search_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Login, m.PasswordHash, m.Role, m.PersonType, m.FirstName, m.LastName,
		m.OrganizationName, m.Nickname, m.Email, m.EmailVerifiedAt, m.Phone, m.Address,
		m.PostalCode, m.City, m.Country, m.Status, m.Language, m.SendFeeReminders, m.Comments,
		m.SelfRegistered, m.DateJoined, m.ResignDate, m.CreatedAt, m.UpdatedAt, memberSearchKey(m))
	if isUniqueViolation(err) {
		return fmt.Errorf("create member %q: %w", m.Login, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create member %q: %w", m.Login, err)
	}
	m.ID = id
	return nil
}

// UpdateMember saves every editable field of m (not the password, login or stamps of creation).
// A new status or address marks the member's mailing lists for a push, in
// the same transaction.
func (s *Store) UpdateMember(ctx context.Context, m *Member) error {
	return s.Tx(ctx, func(tx *Store) error {
		var oldStatus, oldEmail string
		err := tx.queryRow(ctx, `SELECT status, email FROM members WHERE id = ?`, m.ID).Scan(&oldStatus, &oldEmail)
		if err != nil {
			return notFound(err, "member", m.ID)
		}
		m.UpdatedAt = tx.now()
		res, err := tx.exec(ctx, `UPDATE members SET role = ?, person_type = ?, first_name = ?,
			last_name = ?, organization_name = ?, nickname = ?, email = ?, email_verified_at = ?,
			phone = ?, address = ?, postal_code = ?, city = ?, country = ?, status = ?, language = ?,
			send_fee_reminders = ?, comments = ?, date_joined = ?, resign_date = ?, updated_at = ?,
			search_key = ? WHERE id = ?`,
			m.Role, m.PersonType, m.FirstName, m.LastName, m.OrganizationName, m.Nickname, m.Email,
			m.EmailVerifiedAt, m.Phone, m.Address, m.PostalCode, m.City, m.Country, m.Status,
			m.Language, m.SendFeeReminders, m.Comments, m.DateJoined, m.ResignDate, m.UpdatedAt,
			memberSearchKey(m), m.ID)
		if err != nil {
			return fmt.Errorf("update member %d: %w", m.ID, err)
		}
		if err := expectOne(res, "member", m.ID); err != nil {
			return err
		}
		if oldStatus != m.Status || oldEmail != m.Email {
			return tx.MarkMemberListsDirty(ctx, m.ID)
		}
		return nil
	})
}

// SetMemberPassword replaces the password hash of a member.
func (s *Store) SetMemberPassword(ctx context.Context, id int64, hash string) error {
	res, err := s.exec(ctx, `UPDATE members SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, s.now(), id)
	if err != nil {
		return fmt.Errorf("set password of member %d: %w", id, err)
	}
	return expectOne(res, "member", id)
}

// SetMemberLanguage records the language a member chose in the interface.
func (s *Store) SetMemberLanguage(ctx context.Context, id int64, lang string) error {
	_, err := s.exec(ctx, `UPDATE members SET language = ? WHERE id = ?`, lang, id)
	if err != nil {
		return fmt.Errorf("set language of member %d: %w", id, err)
	}
	return nil
}

// VerifyMemberEmail marks the member's address as verified.
func (s *Store) VerifyMemberEmail(ctx context.Context, id int64) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE members SET email_verified_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
	if err != nil {
		return fmt.Errorf("verify e-mail of member %d: %w", id, err)
	}
	return nil
}

// DeleteMember removes a member and what cascades from it; the mailing
// lists they were on are marked for a push.
func (s *Store) DeleteMember(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.MarkMemberListsDirty(ctx, id); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM members WHERE id = ?`, id)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("delete member %d: %w", id, ErrInUse)
		}
		if err != nil {
			return fmt.Errorf("delete member %d: %w", id, err)
		}
		if err := expectOne(res, "member", id); err != nil {
			return err
		}
		// What the audit log kept of the member's data goes with them.
		return tx.redactAudit(ctx, id)
	})
}

// MemberByID returns one member.
func (s *Store) MemberByID(ctx context.Context, id int64) (*Member, error) {
	m, err := scanMember(s.queryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "member", id)
	}
	return m, nil
}

// MemberByLogin returns the member with that login, whatever its case.
func (s *Store) MemberByLogin(ctx context.Context, login string) (*Member, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	m, err := scanMember(s.queryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE login = ?`, login))
	if err != nil {
		return nil, notFound(err, "member", login)
	}
	return m, nil
}

// MembersByEmail returns the accounts using that address (families may share one).
func (s *Store) MembersByEmail(ctx context.Context, email string) ([]*Member, error) {
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM members WHERE LOWER(email) = LOWER(?) ORDER BY id`,
		strings.TrimSpace(email))
	if err != nil {
		return nil, fmt.Errorf("members by e-mail: %w", err)
	}
	return collectMembers(rows)
}

func collectMembers(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]*Member, error) {
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("scan member: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MemberFilter selects and orders members in the back office list.
type MemberFilter struct {
	Search string // in login, names, organisation, nickname, e-mail
	Status string // "" for all
	Role   string // "" for all; "staff" for every non-member role
	Sort   string // one of MemberSorts; "" is by name
	Desc   bool
	Limit  int
	Offset int
}

// MemberSorts maps the sort keys offered to users to SQL; nothing else is
// ever put into ORDER BY.
//
// By name, a legal person sorts under its organisation's name, a natural
// person under their last name. (The expression is not indexed yet; an
// expression index on it would serve it on both databases.)
var MemberSorts = map[string]string{
	"name":   byName(""),
	"login":  "login",
	"joined": "date_joined",
	"status": "status",
	"id":     "id",
}

// byName orders members by name, the columns prefixed ("m." or ""): a
// legal person under its organisation's name, a natural person under their
// last name, then first name.
func byName(p string) string {
	return "LOWER(CASE WHEN " + p + "person_type = 'legal' AND " + p + "organization_name <> '' THEN " + p +
		"organization_name ELSE " + p + "last_name END), LOWER(" + p + "first_name), LOWER(" + p + "organization_name)"
}

func (f MemberFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Search != "" {
		cond, a := likeAny(f.Search, "search_key")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, f.Status)
	}
	switch f.Role {
	case "":
	case "staff":
		conds = append(conds, "role <> 'member'")
	default:
		conds = append(conds, "role = ?")
		args = append(args, f.Role)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListMembers returns one page of members and the total matching the filter.
func (s *Store) ListMembers(ctx context.Context, f MemberFilter) ([]*Member, int, error) {
	where, args := f.where()
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM members`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count members: %w", err)
	}
	order, ok := MemberSorts[f.Sort]
	if !ok {
		order = MemberSorts["name"]
	}
	if f.Desc {
		order = strings.ReplaceAll(order, ",", " DESC,") + " DESC"
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM members`+where+
		` ORDER BY `+order+`, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list members: %w", err)
	}
	members, err := collectMembers(rows)
	return members, total, err
}

// CountMembersByStatus counts the members of each status in one query.
func (s *Store) CountMembersByStatus(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT status, COUNT(*) FROM members GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count members by status: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count members by status: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// CountMembers counts members by status ("" for all).
func (s *Store) CountMembers(ctx context.Context, status string) (int, error) {
	var n int
	var err error
	if status == "" {
		err = s.queryRow(ctx, `SELECT COUNT(*) FROM members`).Scan(&n)
	} else {
		err = s.queryRow(ctx, `SELECT COUNT(*) FROM members WHERE status = ?`, status).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

// StaffEmails returns addresses of staff accounts holding one of roles.
func (s *Store) StaffEmails(ctx context.Context, roles ...string) ([]string, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	q := `SELECT email FROM members WHERE role IN (?` + strings.Repeat(", ?", len(roles)-1) + `) ORDER BY id`
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = r
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("staff e-mails: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// UnverifiedMembers returns the logins DeleteUnverifiedMembers would remove.
func (s *Store) UnverifiedMembers(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := s.query(ctx, `SELECT login FROM members WHERE email_verified_at IS NULL
		AND self_registered AND status = 'pending' AND created_at < ? ORDER BY id`, before.UTC())
	if err != nil {
		return nil, fmt.Errorf("unverified members: %w", err)
	}
	defer rows.Close()
	var logins []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		logins = append(logins, l)
	}
	return logins, rows.Err()
}

// DeleteUnverifiedMembers removes pending accounts created by sign-up whose
// address was never verified and that are older than before. It returns the
// logins removed.
func (s *Store) DeleteUnverifiedMembers(ctx context.Context, before time.Time) ([]string, error) {
	var logins []string
	err := s.Tx(ctx, func(tx *Store) error {
		rows, err := tx.query(ctx, `SELECT login FROM members WHERE email_verified_at IS NULL
			AND self_registered AND status = 'pending' AND created_at < ? ORDER BY id`, before.UTC())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			logins = append(logins, l)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		_, err = tx.exec(ctx, `DELETE FROM members WHERE email_verified_at IS NULL
			AND self_registered AND status = 'pending' AND created_at < ?`, before.UTC())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("delete unverified members: %w", err)
	}
	return logins, nil
}

func expectOne(res interface{ RowsAffected() (int64, error) }, what string, id any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %v: %w", what, id, ErrNotFound)
	}
	return nil
}

// MembersByIDs returns the members of ids, keyed by id.
func (s *Store) MembersByIDs(ctx context.Context, ids []int64) (map[int64]*Member, error) {
	out := make(map[int64]*Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM members WHERE id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("members by ids: %w", err)
	}
	ms, err := collectMembers(rows)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}

// RecordTermsAccepted notes when a member accepted the statutes and the
// privacy notice (at sign-up), as evidence of consent.
func (s *Store) RecordTermsAccepted(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE members SET terms_accepted_at = ? WHERE id = ?`, s.now(), id); err != nil {
		return fmt.Errorf("record terms accepted by member %d: %w", id, err)
	}
	return nil
}

// TermsAcceptedAt tells when a member accepted the statutes and the privacy
// notice; nil when never (staff-created members, older sign-ups).
func (s *Store) TermsAcceptedAt(ctx context.Context, id int64) (*time.Time, error) {
	var at *time.Time
	if err := s.queryRow(ctx, `SELECT terms_accepted_at FROM members WHERE id = ?`, id).Scan(&at); err != nil {
		return nil, notFound(err, "member", id)
	}
	return at, nil
}
