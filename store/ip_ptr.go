package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// IPPTR is the reverse DNS name of one address of an allocation.
type IPPTR struct {
	ID           int64
	AllocationID int64
	Addr         netip.Addr
	Name         string // fully qualified, without the final dot
	UpdatedAt    time.Time
}

// SetIPPTR gives an address of an allocation its name, replacing the one
// it had.
func (s *Store) SetIPPTR(ctx context.Context, r *IPPTR) error {
	r.UpdatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO ip_ptr_records (allocation_id, address, addr, name, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET name = excluded.name,
		updated_at = excluded.updated_at WHERE ip_ptr_records.allocation_id = excluded.allocation_id`,
		r.AllocationID, r.Addr.String(), s.addr(r.Addr), r.Name, r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		// The address is named by another allocation.
		return fmt.Errorf("name %s: %w", r.Addr, ErrConflict)
	}
	if isForeignKeyViolation(err) {
		return fmt.Errorf("name %s: %w", r.Addr, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("name %s: %w", r.Addr, err)
	}
	r.ID = id
	return nil
}

// DeleteIPPTR removes a name of an allocation.
func (s *Store) DeleteIPPTR(ctx context.Context, allocationID, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM ip_ptr_records WHERE id = ? AND allocation_id = ?`, id, allocationID)
	if err != nil {
		return fmt.Errorf("delete reverse name %d: %w", id, err)
	}
	return expectOne(res, "reverse name", id)
}

// CountIPPTRs counts the names of an allocation.
func (s *Store) CountIPPTRs(ctx context.Context, allocationID int64) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM ip_ptr_records WHERE allocation_id = ?`, allocationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count reverse names of allocation %d: %w", allocationID, err)
	}
	return n, nil
}

// IPPTRs returns the names of an allocation (allocationID) or of every
// allocation of a pool still in use (poolID), in address order.
func (s *Store) IPPTRs(ctx context.Context, allocationID, poolID int64) ([]*IPPTR, error) {
	rows, err := s.query(ctx, `SELECT r.id, r.allocation_id, r.address, r.name, r.updated_at
		FROM ip_ptr_records r JOIN ip_allocations a ON a.id = r.allocation_id
		WHERE (? = 0 OR r.allocation_id = ?) AND (? = 0 OR (a.pool_id = ? AND a.released_at IS NULL))
		ORDER BY a.first_addr, r.addr`, allocationID, allocationID, poolID, poolID)
	if err != nil {
		return nil, fmt.Errorf("reverse names: %w", err)
	}
	defer rows.Close()
	var out []*IPPTR
	for rows.Next() {
		var r IPPTR
		var addr string
		if err := rows.Scan(&r.ID, &r.AllocationID, &addr, &r.Name, &r.UpdatedAt); err != nil {
			return nil, err
		}
		if r.Addr, err = netip.ParseAddr(addr); err != nil {
			return nil, fmt.Errorf("reverse name %d: %w", r.ID, err)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}
