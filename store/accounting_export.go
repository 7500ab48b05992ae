package store

import (
	"context"
	"fmt"

	"coin/date"
)

// FeePaymentIDs returns the payments dated from..to (inclusive) that paid
// a membership fee: accounting books them as fees, not as customer payments.
func (s *Store) FeePaymentIDs(ctx context.Context, from, to date.Date) (map[int64]bool, error) {
	rows, err := s.query(ctx, `SELECT f.payment_id FROM membership_fees f JOIN payments p ON p.id = f.payment_id
		WHERE p.payment_date >= ? AND p.payment_date <= ?`, from, to)
	if err != nil {
		return nil, fmt.Errorf("fee payments: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
