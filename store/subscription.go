package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"coin/date"
)

// Subscription is a member's subscription to an offer. ResignDate is the
// first day without service: a subscription is active on day d when
// StartDate <= d < ResignDate (or it has no resign date).
type Subscription struct {
	ID               int64
	MemberID         int64
	OfferID          int64
	StartDate        date.Date
	ResignDate       date.Date
	CommitmentMonths int
	Comments         string
	Suspended        bool
	DeprovisionedAt  *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// ActiveOn tells whether the subscription gives service on day d.
func (s *Subscription) ActiveOn(d date.Date) bool {
	return !s.StartDate.After(d) && (s.ResignDate.IsZero() || s.ResignDate.After(d))
}

// CommitmentEnd is the first day after the commitment period.
func (s *Subscription) CommitmentEnd() date.Date {
	return s.StartDate.AddMonths(s.CommitmentMonths)
}

// SubscriptionRow is a subscription with what lists show of its offer and member.
type SubscriptionRow struct {
	Subscription
	OfferName      string
	OfferReference string
	Backend        string
	MemberLogin    string
	MemberName     string
}

const subscriptionColumns = `s.id, s.member_id, s.offer_id, s.start_date, s.resign_date,
	s.commitment_months, s.comments, s.suspended, s.deprovisioned_at, s.created_at, s.updated_at`

const subscriptionRowColumns = subscriptionColumns + `, o.name, o.reference, o.backend, m.login,
	CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END`

const subscriptionJoins = ` FROM subscriptions s JOIN offers o ON o.id = s.offer_id
	JOIN members m ON m.id = s.member_id`

func scanSubscription(row scanner, extra ...any) (*Subscription, error) {
	var s Subscription
	dest := append([]any{&s.ID, &s.MemberID, &s.OfferID, &s.StartDate, &s.ResignDate,
		&s.CommitmentMonths, &s.Comments, &s.Suspended, &s.DeprovisionedAt, &s.CreatedAt,
		&s.UpdatedAt}, extra...)
	return &s, row.Scan(dest...)
}

func scanSubscriptionRow(row scanner) (*SubscriptionRow, error) {
	var r SubscriptionRow
	s, err := scanSubscription(row, &r.OfferName, &r.OfferReference, &r.Backend, &r.MemberLogin, &r.MemberName)
	if err != nil {
		return nil, err
	}
	r.Subscription = *s
	return &r, nil
}

// CreateSubscription inserts sub.
func (s *Store) CreateSubscription(ctx context.Context, sub *Subscription) error {
	now := s.now()
	sub.CreatedAt, sub.UpdatedAt = now, now
	id, err := s.insert(ctx, `INSERT INTO subscriptions (member_id, offer_id, start_date, resign_date,
		commitment_months, comments, suspended, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sub.MemberID, sub.OfferID, sub.StartDate, sub.ResignDate,
		sub.CommitmentMonths, sub.Comments, sub.Suspended, sub.CreatedAt, sub.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create subscription of member %d to offer %d: %w", sub.MemberID, sub.OfferID, err)
	}
	sub.ID = id
	return nil
}

// UpdateSubscription saves the editable fields of sub (not its member or offer).
func (s *Store) UpdateSubscription(ctx context.Context, sub *Subscription) error {
	sub.UpdatedAt = s.now()
	res, err := s.exec(ctx, `UPDATE subscriptions SET start_date = ?, resign_date = ?,
		commitment_months = ?, comments = ?, suspended = ?, deprovisioned_at = ?, updated_at = ?
		WHERE id = ?`, sub.StartDate, sub.ResignDate, sub.CommitmentMonths, sub.Comments,
		sub.Suspended, sub.DeprovisionedAt, sub.UpdatedAt, sub.ID)
	if err != nil {
		return fmt.Errorf("update subscription %d: %w", sub.ID, err)
	}
	return expectOne(res, "subscription", sub.ID)
}

// SubscriptionByID returns one subscription with its offer and member names.
func (s *Store) SubscriptionByID(ctx context.Context, id int64) (*SubscriptionRow, error) {
	r, err := scanSubscriptionRow(s.queryRow(ctx, `SELECT `+subscriptionRowColumns+subscriptionJoins+
		` WHERE s.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "subscription", id)
	}
	return r, nil
}

// MemberSubscription returns a subscription only if it belongs to memberID:
// what the portal uses, so that nobody reaches another member's data.
func (s *Store) MemberSubscription(ctx context.Context, memberID, id int64) (*SubscriptionRow, error) {
	r, err := scanSubscriptionRow(s.queryRow(ctx, `SELECT `+subscriptionRowColumns+subscriptionJoins+
		` WHERE s.id = ? AND s.member_id = ?`, id, memberID))
	if err != nil {
		return nil, notFound(err, "subscription", id)
	}
	return r, nil
}

// SubscriptionFilter selects subscriptions for lists.
type SubscriptionFilter struct {
	MemberID int64
	OfferID  int64
	Search   string    // member login or name, offer reference
	State    string    // "" all, "active", "ended", "upcoming" (relative to Day)
	Day      date.Date // for State
	Limit    int
	Offset   int
}

func (f SubscriptionFilter) where() (string, []any) {
	conds := []string{"1=1"}
	var args []any
	if f.MemberID != 0 {
		conds = append(conds, "s.member_id = ?")
		args = append(args, f.MemberID)
	}
	if f.OfferID != 0 {
		conds = append(conds, "s.offer_id = ?")
		args = append(args, f.OfferID)
	}
	if f.Search != "" {
		cond, a := likeAny(f.Search, "m.search_key", "o.reference")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	switch f.State {
	case "active":
		conds = append(conds, "s.start_date <= ? AND (s.resign_date IS NULL OR s.resign_date > ?)")
		args = append(args, f.Day, f.Day)
	case "ended":
		conds = append(conds, "s.resign_date IS NOT NULL AND s.resign_date <= ?")
		args = append(args, f.Day)
	case "upcoming":
		conds = append(conds, "s.start_date > ?")
		args = append(args, f.Day)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListSubscriptions returns a page of subscriptions, newest first, and the total.
func (s *Store) ListSubscriptions(ctx context.Context, f SubscriptionFilter) ([]*SubscriptionRow, int, error) {
	where, args := f.where()
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+subscriptionJoins+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count subscriptions: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := s.query(ctx, `SELECT `+subscriptionRowColumns+subscriptionJoins+where+
		` ORDER BY s.start_date DESC, s.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []*SubscriptionRow
	for rows.Next() {
		r, err := scanSubscriptionRow(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan subscription: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// CountActiveSubscriptions counts subscriptions giving service on day d.
func (s *Store) CountActiveSubscriptions(ctx context.Context, d date.Date) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM subscriptions WHERE start_date <= ?
		AND (resign_date IS NULL OR resign_date > ?)`, d, d).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count active subscriptions: %w", err)
	}
	return n, nil
}

// CountActiveSubscriptionsOn counts the subscriptions giving service on
// each of days (in ascending order), in one query.
func (s *Store) CountActiveSubscriptionsOn(ctx context.Context, days []date.Date) ([]int, error) {
	return s.countAliveOn(ctx, "active subscriptions", "subscriptions", "start_date", "resign_date", "", days)
}

// countAliveOn counts the rows of table alive on each of days (ascending):
// on day d, those started by d less those ended by d (end >= start, so the
// second are among the first). Each row is put in the bucket of the first
// day its start (and its end) falls on: one comparison for most rows,
// instead of one count of the whole table per day. table, the columns and
// where are the caller's constants, never input.
func (s *Store) countAliveOn(ctx context.Context, what, table, startCol, endCol, where string, days []date.Date) ([]int, error) {
	if len(days) == 0 {
		return nil, nil
	}
	var args []any
	bucket := func(col string) string {
		var b strings.Builder
		b.WriteString("CASE")
		for i, d := range days {
			if i > 0 && d.Before(days[i-1]) {
				return ""
			}
			fmt.Fprintf(&b, " WHEN %s <= ? THEN %d", col, i)
			args = append(args, d)
		}
		fmt.Fprintf(&b, " ELSE %d END", len(days))
		return b.String()
	}
	starts, ends := bucket(startCol), bucket(endCol)
	if starts == "" {
		return nil, fmt.Errorf("count %s: days out of order", what)
	}
	cond := " WHERE " + endCol + " IS NOT NULL"
	all := ""
	if where != "" {
		all = " WHERE " + where
		cond += " AND " + where
	}
	rows, err := s.query(ctx, `SELECT 1, b, COUNT(*) FROM (SELECT `+starts+` AS b FROM `+table+all+`) st GROUP BY b
		UNION ALL SELECT -1, b, COUNT(*) FROM (SELECT `+ends+` AS b FROM `+table+cond+`) en GROUP BY b`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", what, err)
	}
	defer rows.Close()
	delta := make([]int, len(days)+1)
	for rows.Next() {
		var sign, b, n int
		if err := rows.Scan(&sign, &b, &n); err != nil {
			return nil, fmt.Errorf("count %s: %w", what, err)
		}
		delta[b] += sign * n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count %s: %w", what, err)
	}
	counts := make([]int, len(days))
	alive := 0
	for i := range days {
		alive += delta[i]
		counts[i] = alive
	}
	return counts, nil
}

// OfferCount is the number of active subscriptions of an offer on a day.
type OfferCount struct {
	OfferID   int64
	Reference string
	Name      string
	Backend   string
	Count     int
}

// CountSubscriptionsByOffer counts active subscriptions per offer on day d,
// every offer included (with 0), by reference.
func (s *Store) CountSubscriptionsByOffer(ctx context.Context, d date.Date) ([]OfferCount, error) {
	rows, err := s.query(ctx, `SELECT o.id, o.reference, o.name, o.backend, COUNT(s.id)
		FROM offers o LEFT JOIN subscriptions s ON s.offer_id = o.id AND s.start_date <= ?
			AND (s.resign_date IS NULL OR s.resign_date > ?)
		GROUP BY o.id, o.reference, o.name, o.backend ORDER BY o.reference`, d, d)
	if err != nil {
		return nil, fmt.Errorf("count subscriptions by offer: %w", err)
	}
	defer rows.Close()
	var out []OfferCount
	for rows.Next() {
		var c OfferCount
		if err := rows.Scan(&c.OfferID, &c.Reference, &c.Name, &c.Backend, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SubscriptionsToDeprovision returns subscriptions whose resign date has
// come (resign_date <= d) and that were not deprovisioned yet.
func (s *Store) SubscriptionsToDeprovision(ctx context.Context, d date.Date) ([]*SubscriptionRow, error) {
	rows, err := s.query(ctx, `SELECT `+subscriptionRowColumns+subscriptionJoins+
		` WHERE s.resign_date IS NOT NULL AND s.resign_date <= ? AND s.deprovisioned_at IS NULL
		ORDER BY s.resign_date, s.id`, d)
	if err != nil {
		return nil, fmt.Errorf("subscriptions to deprovision: %w", err)
	}
	defer rows.Close()
	var out []*SubscriptionRow
	for rows.Next() {
		r, err := scanSubscriptionRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkDeprovisioned records that the deprovision hook ran for a subscription.
func (s *Store) MarkDeprovisioned(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `UPDATE subscriptions SET deprovisioned_at = ? WHERE id = ? AND deprovisioned_at IS NULL`,
		s.now(), id)
	if err != nil {
		return fmt.Errorf("mark subscription %d deprovisioned: %w", id, err)
	}
	return nil
}
