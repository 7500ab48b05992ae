package store

import (
	"context"
	"fmt"
	"strings"

	"coin/date"
)

// The treasurer's charts read sums per period in one query each, walking
// the indexes the lists already use over the months shown only.

// monthBucket is a CASE giving the index of the month (starts, ascending,
// then the end of the last one) a date column falls in.
func monthBucket(col string, starts []date.Date, args *[]any) string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := 1; i < len(starts); i++ {
		fmt.Fprintf(&b, " WHEN %s < ? THEN %d", col, i-1)
		*args = append(*args, starts[i])
	}
	fmt.Fprintf(&b, " ELSE %d END", len(starts)-1)
	return b.String()
}

// InvoicedAndCollected sums, for each month beginning on starts[i] (the
// last one ending on end, excluded), what was invoiced (validated invoices
// less credit notes, by issue date) and what was collected (payments, by
// their date).
func (s *Store) InvoicedAndCollected(ctx context.Context, starts []date.Date, end date.Date) (invoiced, collected []int64, err error) {
	invoiced, collected = make([]int64, len(starts)), make([]int64, len(starts))
	if len(starts) == 0 {
		return invoiced, collected, nil
	}
	var args []any
	b := monthBucket("issue_date", starts, &args)
	args = append(args, starts[0], end)
	if err := s.sumByBucket(ctx, `SELECT `+b+` AS b, SUM(CASE WHEN kind = 'credit_note' THEN -total_cents ELSE total_cents END)
		FROM invoices WHERE status = 'validated' AND issue_date >= ? AND issue_date < ? GROUP BY b`, args, invoiced); err != nil {
		return nil, nil, fmt.Errorf("invoiced per month: %w", err)
	}
	args = nil
	b = monthBucket("payment_date", starts, &args)
	args = append(args, starts[0], end)
	if err := s.sumByBucket(ctx, `SELECT `+b+` AS b, SUM(amount_cents)
		FROM payments WHERE payment_date >= ? AND payment_date < ? GROUP BY b`, args, collected); err != nil {
		return nil, nil, fmt.Errorf("collected per month: %w", err)
	}
	return invoiced, collected, nil
}

func (s *Store) sumByBucket(ctx context.Context, q string, args []any, into []int64) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b int
		var sum int64
		if err := rows.Scan(&b, &sum); err != nil {
			return err
		}
		if b >= 0 && b < len(into) {
			into[b] += sum
		}
	}
	return rows.Err()
}

// OverdueByAge sums what is left to pay on overdue invoices by how long
// ago they fell due: limits are the ages in days that end each bucket but
// the last (e.g. 30, 60, 90 gives 1–30, 31–60, 61–90 and over 90).
func (s *Store) OverdueByAge(ctx context.Context, today date.Date, limits []int) ([]int64, error) {
	out := make([]int64, len(limits)+1)
	var b strings.Builder
	var args []any
	b.WriteString("CASE")
	for i, l := range limits {
		fmt.Fprintf(&b, " WHEN due_date >= ? THEN %d", i)
		args = append(args, today.AddDays(-l))
	}
	fmt.Fprintf(&b, " ELSE %d END", len(limits))
	args = append(args, today)
	err := s.sumByBucket(ctx, `SELECT `+b.String()+` AS b, SUM(total_cents - paid_cents) FROM invoices
		WHERE kind = 'invoice' AND due_date < ? AND status = 'validated' AND paid_cents < total_cents GROUP BY b`, args, out)
	if err != nil {
		return nil, fmt.Errorf("overdue by age: %w", err)
	}
	return out, nil
}

// CountMembersOn counts the members (not the pending sign-ups) belonging
// to the association on each of days (ascending).
func (s *Store) CountMembersOn(ctx context.Context, days []date.Date) ([]int, error) {
	return s.countAliveOn(ctx, "members", "members", "date_joined", "resign_date", "status <> 'pending'", days)
}

// OfferRevenue is what an offer's active subscriptions bring in a month.
type OfferRevenue struct {
	Reference    string
	Name         string
	Count        int
	MonthlyCents int64 // the offer's period fee spread over its months, times Count
}

// RecurringRevenueByOffer is the monthly recurring revenue per billable
// offer on day d, from each offer's price (a subscription's own price
// adjustments are not counted).
func (s *Store) RecurringRevenueByOffer(ctx context.Context, d date.Date) ([]OfferRevenue, error) {
	rows, err := s.query(ctx, `SELECT o.reference, o.name, o.period_fee_cents, o.billing_period_months, COUNT(s.id)
		FROM offers o JOIN subscriptions s ON s.offer_id = o.id AND s.start_date <= ?
			AND (s.resign_date IS NULL OR s.resign_date > ?)
		WHERE NOT o.non_billable
		GROUP BY o.id, o.reference, o.name, o.period_fee_cents, o.billing_period_months ORDER BY o.reference`, d, d)
	if err != nil {
		return nil, fmt.Errorf("recurring revenue by offer: %w", err)
	}
	defer rows.Close()
	var out []OfferRevenue
	for rows.Next() {
		var r OfferRevenue
		var fee, months int64
		if err := rows.Scan(&r.Reference, &r.Name, &fee, &months, &r.Count); err != nil {
			return nil, fmt.Errorf("recurring revenue by offer: %w", err)
		}
		if months < 1 {
			months = 1
		}
		r.MonthlyCents = fee * int64(r.Count) / months
		out = append(out, r)
	}
	return out, rows.Err()
}

// FeesFallingDue counts, for each period beginning on starts[i] (the last
// ending on end, excluded), the members whose latest membership fee ends
// then, and the sum of those fees (what renewing at the same amount brings).
func (s *Store) FeesFallingDue(ctx context.Context, starts []date.Date, end date.Date) (counts []int64, cents []int64, err error) {
	counts, cents = make([]int64, len(starts)), make([]int64, len(starts))
	if len(starts) == 0 {
		return counts, cents, nil
	}
	var args []any
	b := monthBucket("f.end_date", starts, &args)
	args = append(args, starts[0], end)
	rows, err := s.query(ctx, `SELECT `+b+` AS b, COUNT(*), SUM(f.amount) FROM membership_fees f
		WHERE f.end_date >= ? AND f.end_date < ?
		AND NOT EXISTS (SELECT 1 FROM membership_fees l WHERE l.member_id = f.member_id AND l.end_date > f.end_date)
		GROUP BY b`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("fees falling due: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var n, sum int64
		if err := rows.Scan(&i, &n, &sum); err != nil {
			return nil, nil, fmt.Errorf("fees falling due: %w", err)
		}
		if i >= 0 && i < len(starts) {
			counts[i], cents[i] = counts[i]+n, cents[i]+sum
		}
	}
	return counts, cents, rows.Err()
}
