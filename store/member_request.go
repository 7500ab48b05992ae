package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// Kinds and statuses of member requests.
const (
	RequestSubscribe = "subscribe"
	RequestResign    = "resign"

	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRefused  = "refused"
	RequestRecorded = "recorded"
)

// MemberRequest is what a member asked from the portal: a subscription to
// an open offer (staff decide) or a notice of resignation (recorded).
type MemberRequest struct {
	ID             int64
	MemberID       int64
	Kind           string
	OfferID        *int64
	SubscriptionID *int64 // subscribe: the one approved; resign: the one ended (nil: the membership)
	EndDate        date.Date
	Comments       string
	Status         string
	Reason         string // of a refusal
	DecidedBy      *int64
	CreatedAt      time.Time
	DecidedAt      *time.Time

	MemberName string // filled by queries
	OfferName  string // filled by queries ("" for a membership notice)
}

const requestColumns = `r.id, r.member_id, r.kind, r.offer_id, r.subscription_id, r.end_date, r.comments,
	r.status, r.reason, r.decided_by, r.created_at, r.decided_at,
	CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END,
	COALESCE(o.name, so.name, '')`

// A resignation names a subscription, whose offer is the one shown.
const requestFrom = ` FROM member_requests r JOIN members m ON m.id = r.member_id
	LEFT JOIN offers o ON o.id = r.offer_id
	LEFT JOIN subscriptions s ON s.id = r.subscription_id AND r.kind = 'resign'
	LEFT JOIN offers so ON so.id = s.offer_id`

func scanRequest(row scanner) (*MemberRequest, error) {
	var r MemberRequest
	err := row.Scan(&r.ID, &r.MemberID, &r.Kind, &r.OfferID, &r.SubscriptionID, &r.EndDate, &r.Comments,
		&r.Status, &r.Reason, &r.DecidedBy, &r.CreatedAt, &r.DecidedAt, &r.MemberName, &r.OfferName)
	return &r, err
}

// CreateMemberRequest stores a request.
func (s *Store) CreateMemberRequest(ctx context.Context, r *MemberRequest) error {
	r.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO member_requests (member_id, kind, offer_id, subscription_id, end_date,
		comments, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.MemberID, r.Kind, r.OfferID,
		r.SubscriptionID, r.EndDate, r.Comments, r.Status, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("create %s request of member %d: %w", r.Kind, r.MemberID, err)
	}
	r.ID = id
	return nil
}

// MemberRequestByID returns a request.
func (s *Store) MemberRequestByID(ctx context.Context, id int64) (*MemberRequest, error) {
	r, err := scanRequest(s.queryRow(ctx, `SELECT `+requestColumns+requestFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "member request", id)
	}
	return r, nil
}

// DecideMemberRequest records staff's decision on a pending request:
// ErrConflict when it is no longer pending (decided meanwhile).
func (s *Store) DecideMemberRequest(ctx context.Context, r *MemberRequest) error {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE member_requests SET status = ?, reason = ?, subscription_id = ?, decided_by = ?,
		decided_at = ? WHERE id = ? AND status = 'pending'`, r.Status, r.Reason, r.SubscriptionID, r.DecidedBy, now, r.ID)
	if err != nil {
		return fmt.Errorf("decide member request %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("decide member request %d: %w", r.ID, err)
	} else if n == 0 {
		return fmt.Errorf("member request %d is no longer pending: %w", r.ID, ErrConflict)
	}
	r.DecidedAt = &now
	return nil
}

// PendingRequests lists the subscription requests waiting for staff,
// oldest first (index member_requests_status).
func (s *Store) PendingRequests(ctx context.Context, limit int) ([]*MemberRequest, error) {
	return s.requests(ctx, ` WHERE r.kind = 'subscribe' AND r.status = 'pending' ORDER BY r.created_at, r.id LIMIT ?`, limit)
}

// CountPendingRequests counts the subscription requests waiting for staff.
func (s *Store) CountPendingRequests(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM member_requests WHERE kind = 'subscribe' AND status = 'pending'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending requests: %w", err)
	}
	return n, nil
}

// UpcomingResignations lists the notices of resignation whose end date is
// from on, soonest first (index member_requests_end).
func (s *Store) UpcomingResignations(ctx context.Context, from date.Date, limit int) ([]*MemberRequest, error) {
	return s.requests(ctx, ` WHERE r.kind = 'resign' AND r.end_date >= ? ORDER BY r.end_date, r.id LIMIT ?`, from, limit)
}

// RequestsOfMember lists a member's requests and notices, newest first.
func (s *Store) RequestsOfMember(ctx context.Context, memberID int64) ([]*MemberRequest, error) {
	return s.requests(ctx, ` WHERE r.member_id = ? ORDER BY r.created_at DESC, r.id DESC`, memberID)
}

// PendingRequestExists tells whether the member already waits for a
// decision on a subscription to the offer.
func (s *Store) PendingRequestExists(ctx context.Context, memberID, offerID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM member_requests WHERE member_id = ? AND kind = 'subscribe'
		AND status = 'pending' AND offer_id = ?`, memberID, offerID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("pending request of member %d: %w", memberID, err)
	}
	return n > 0, nil
}

func (s *Store) requests(ctx context.Context, tail string, args ...any) ([]*MemberRequest, error) {
	rows, err := s.query(ctx, `SELECT `+requestColumns+requestFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list member requests: %w", err)
	}
	defer rows.Close()
	var out []*MemberRequest
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("scan member request: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RevokeMandates deactivates the member's active mandates (a new one
// replaces them) and returns how many were.
func (s *Store) RevokeMandates(ctx context.Context, memberID int64) (int64, error) {
	res, err := s.exec(ctx, `UPDATE sepa_mandates SET active = ?, updated_at = ? WHERE member_id = ? AND active`,
		false, s.now(), memberID)
	if err != nil {
		return 0, fmt.Errorf("revoke mandates of member %d: %w", memberID, err)
	}
	return res.RowsAffected()
}

// CountMandates counts a member's mandates, past ones included (the next
// reference's number).
func (s *Store) CountMandates(ctx context.Context, memberID int64) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM sepa_mandates WHERE member_id = ?`, memberID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mandates of member %d: %w", memberID, err)
	}
	return n, nil
}
