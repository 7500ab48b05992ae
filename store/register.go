package store

import (
	"context"
	"fmt"
	"strings"

	"coin/date"
)

// FeeEndsWithin returns, for those of members ids who have a fee covering
// a day between from and to, the end of the latest such fee.
func (s *Store) FeeEndsWithin(ctx context.Context, ids []int64, from, to date.Date) (map[int64]date.Date, error) {
	out := map[int64]date.Date{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{from, to}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.query(ctx, `SELECT member_id, MAX(end_date) FROM membership_fees
		WHERE end_date >= ? AND start_date <= ? AND member_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
		GROUP BY member_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("fees within %s–%s: %w", from, to, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var end date.Date
		if err := rows.Scan(&id, &end); err != nil {
			return nil, err
		}
		out[id] = end
	}
	return out, rows.Err()
}
