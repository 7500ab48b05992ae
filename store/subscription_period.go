package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"coin/date"
)

// ChargedPeriod is a billing period of a subscription already invoiced.
type ChargedPeriod struct {
	SubscriptionID int64
	From, To       date.Date
	InvoiceLineID  *int64 // nil for periods billed outside coin
}

// RecordChargedPeriod marks a period as invoiced. A second record of the
// same subscription and period start is an ErrConflict.
func (s *Store) RecordChargedPeriod(ctx context.Context, p ChargedPeriod) error {
	_, err := s.exec(ctx, `INSERT INTO subscription_periods (subscription_id, period_from, period_to,
		invoice_line_id) VALUES (?, ?, ?, ?)`, p.SubscriptionID, p.From, p.To, p.InvoiceLineID)
	if isUniqueViolation(err) {
		return fmt.Errorf("subscription %d period from %s: %w", p.SubscriptionID, p.From, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("subscription %d period from %s: %w", p.SubscriptionID, p.From, err)
	}
	return nil
}

// BillableSubscription is a subscription with what charging needs.
type BillableSubscription struct {
	Subscription
	Offer         Offer
	MemberLang    string
	ConfigComment string
	// Charged are the periods already invoiced (or billed outside coin),
	// ordered by start. They may not line up with the periods the offer and
	// start date give today: either may have been edited since.
	Charged []DateRange
}

// DateRange is a span of days, To inclusive.
type DateRange struct {
	From, To date.Date
}

// BillableMemberIDs lists members with a subscription to a billable offer
// that started on or before day, in id order.
func (s *Store) BillableMemberIDs(ctx context.Context, day date.Date) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT s.member_id FROM subscriptions s JOIN offers o ON o.id = s.offer_id
		WHERE NOT o.non_billable AND s.start_date <= ? ORDER BY s.member_id`, day)
	if err != nil {
		return nil, fmt.Errorf("billable members: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// BillableSubscriptions loads the billable subscriptions of members with
// the periods already charged, keyed by member.
func (s *Store) BillableSubscriptions(ctx context.Context, memberIDs []int64, day date.Date) (map[int64][]*BillableSubscription, error) {
	out := map[int64][]*BillableSubscription{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	in := "(?" + strings.Repeat(", ?", len(memberIDs)-1) + ")"
	args := make([]any, 0, len(memberIDs)+1)
	for _, id := range memberIDs {
		args = append(args, id)
	}
	rows, err := s.query(ctx, `SELECT `+subscriptionColumns+`, o.id, o.name, o.reference, o.backend,
		o.billing_period_months, o.period_fee_cents, o.setup_fee_cents, m.language,
		COALESCE(c.data, '{}') FROM subscriptions s JOIN offers o ON o.id = s.offer_id
		JOIN members m ON m.id = s.member_id LEFT JOIN configurations c ON c.subscription_id = s.id
		WHERE NOT o.non_billable AND s.start_date <= ? AND s.member_id IN `+in+` ORDER BY s.member_id, s.id`,
		append([]any{day}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("billable subscriptions: %w", err)
	}
	byID := map[int64]*BillableSubscription{}
	for rows.Next() {
		var b BillableSubscription
		var cfg string
		sub, err := scanSubscription(rows, &b.Offer.ID, &b.Offer.Name, &b.Offer.Reference, &b.Offer.Backend,
			&b.Offer.BillingPeriodMonths, &b.Offer.PeriodFeeCents, &b.Offer.SetupFeeCents, &b.MemberLang, &cfg)
		if err != nil {
			rows.Close()
			return nil, err
		}
		b.Subscription = *sub
		b.ConfigComment = configComment(cfg)
		out[b.MemberID] = append(out[b.MemberID], &b)
		byID[b.ID] = &b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	prow, err := s.query(ctx, `SELECT sp.subscription_id, sp.period_from, sp.period_to FROM subscription_periods sp
		JOIN subscriptions s ON s.id = sp.subscription_id WHERE s.member_id IN `+in+`
		ORDER BY sp.subscription_id, sp.period_from`, args...)
	if err != nil {
		return nil, fmt.Errorf("charged periods: %w", err)
	}
	defer prow.Close()
	for prow.Next() {
		var id int64
		var r DateRange
		if err := prow.Scan(&id, &r.From, &r.To); err != nil {
			return nil, err
		}
		if b := byID[id]; b != nil {
			b.Charged = append(b.Charged, r)
		}
	}
	return out, prow.Err()
}

// configComment extracts the "comment" field of a configuration's JSON data.
func configComment(data string) string {
	var fields map[string]string
	if json.Unmarshal([]byte(data), &fields) != nil {
		return ""
	}
	return fields["comment"]
}

// InvoicedUntil is the last day of the periods of a subscription recorded
// as invoiced (or billed outside coin), zero when none is.
func (s *Store) InvoicedUntil(ctx context.Context, subscriptionID int64) (date.Date, error) {
	var d date.Date
	err := s.queryRow(ctx, `SELECT MAX(period_to) FROM subscription_periods WHERE subscription_id = ?`,
		subscriptionID).Scan(&d)
	if err != nil {
		return d, fmt.Errorf("subscription %d invoiced until: %w", subscriptionID, err)
	}
	return d, nil
}
