package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"go4.org/netipx"
)

// IPAllocation is a subnet taken from a pool.
type IPAllocation struct {
	ID             int64
	PoolID         int64
	SubscriptionID int64 // 0: kept out, given to nobody
	Kind           string
	Prefix         netip.Prefix
	Note           string
	// Nameservers the subnet's reverse zone is delegated to (none: coin
	// serves its PTR names).
	Nameservers   []string
	AllocatedAt   time.Time
	ReleasedAt    *time.Time
	ReusableAfter *time.Time

	// Filled by the listing queries.
	PoolName       string
	MemberID       int64
	MemberLogin    string
	MemberName     string
	OfferReference string
}

// Released tells whether the subnet was given back (it may still be held
// until ReusableAfter).
func (a *IPAllocation) Released() bool { return a.ReleasedAt != nil }

const ipAllocationColumns = `a.id, a.pool_id, a.subscription_id, a.kind, CAST(a.subnet AS TEXT), a.note,
	a.nameservers, a.allocated_at, a.released_at, a.reusable_after, p.name,
	COALESCE(m.id, 0), COALESCE(m.login, ''),
	COALESCE(CASE WHEN m.person_type = 'legal' AND m.organization_name <> '' THEN m.organization_name
	     ELSE TRIM(m.first_name || ' ' || m.last_name) END, ''), COALESCE(o.reference, '')`

const ipAllocationJoins = ` FROM ip_allocations a JOIN ip_pools p ON p.id = a.pool_id
	LEFT JOIN subscriptions s ON s.id = a.subscription_id
	LEFT JOIN members m ON m.id = s.member_id LEFT JOIN offers o ON o.id = s.offer_id`

func scanIPAllocation(row scanner) (*IPAllocation, error) {
	var a IPAllocation
	var sub sql.NullInt64
	var pr prefixText
	var ns string
	if err := row.Scan(&a.ID, &a.PoolID, &sub, &a.Kind, &pr, &a.Note, &ns, &a.AllocatedAt, &a.ReleasedAt,
		&a.ReusableAfter, &a.PoolName, &a.MemberID, &a.MemberLogin, &a.MemberName, &a.OfferReference); err != nil {
		return nil, err
	}
	a.SubscriptionID, a.Prefix, a.Nameservers = sub.Int64, pr.Prefix, splitLines(ns)
	return &a, nil
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Store) listIPAllocations(ctx context.Context, what, where string, args ...any) ([]*IPAllocation, error) {
	rows, err := s.query(ctx, `SELECT `+ipAllocationColumns+ipAllocationJoins+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []*IPAllocation
	for rows.Next() {
		a, err := scanIPAllocation(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// InsertIPAllocation stores a; a subnet overlapping another is an
// *OverlapError naming it.
func (s *Store) InsertIPAllocation(ctx context.Context, a *IPAllocation) error {
	a.AllocatedAt = s.now()
	var sub any
	if a.SubscriptionID != 0 {
		sub = a.SubscriptionID
	}
	id, err := s.insert(ctx, `INSERT INTO ip_allocations (pool_id, subscription_id, kind, subnet,
		first_addr, last_addr, note, nameservers, allocated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.PoolID, sub, a.Kind, a.Prefix.String(), s.addr(a.Prefix.Addr()), s.addr(netipx.PrefixLastIP(a.Prefix)),
		a.Note, strings.Join(a.Nameservers, "\n"), a.AllocatedAt)
	if isOverlapViolation(err) || isUniqueViolation(err) {
		return fmt.Errorf("allocate %s: %w", a.Prefix, &OverlapError{With: a.Prefix.String()})
	}
	if err != nil {
		return fmt.Errorf("allocate %s: %w", a.Prefix, err)
	}
	a.ID = id
	return nil
}

// IPSubnetsFrom returns up to limit subnets of a pool starting at or after
// from, in address order, preceded by the one starting last before from,
// if any (the only one that may contain from: subnets never overlap).
func (s *Store) IPSubnetsFrom(ctx context.Context, poolID int64, from netip.Addr, limit int) ([]netip.Prefix, error) {
	rows, err := s.query(ctx, `SELECT subnet FROM (SELECT CAST(subnet AS TEXT) AS subnet, first_addr
			FROM ip_allocations WHERE pool_id = ? AND first_addr < ? ORDER BY first_addr DESC LIMIT 1) b
		UNION ALL SELECT subnet FROM (SELECT CAST(subnet AS TEXT) AS subnet, first_addr
			FROM ip_allocations WHERE pool_id = ? AND first_addr >= ? ORDER BY first_addr LIMIT ?) f`,
		poolID, s.addr(from), poolID, s.addr(from), limit)
	if err != nil {
		return nil, fmt.Errorf("subnets of pool %d from %s: %w", poolID, from, err)
	}
	defer rows.Close()
	out := make([]netip.Prefix, 0, limit+1)
	for rows.Next() {
		var pr prefixText
		if err := rows.Scan(&pr); err != nil {
			return nil, err
		}
		out = append(out, pr.Prefix)
	}
	return out, rows.Err()
}

// IPPoolSubnets returns every subnet taken in a pool, in address order.
func (s *Store) IPPoolSubnets(ctx context.Context, poolID int64) ([]netip.Prefix, error) {
	rows, err := s.query(ctx, `SELECT CAST(subnet AS TEXT) FROM ip_allocations WHERE pool_id = ?
		ORDER BY first_addr`, poolID)
	if err != nil {
		return nil, fmt.Errorf("subnets of pool %d: %w", poolID, err)
	}
	defer rows.Close()
	var out []netip.Prefix
	for rows.Next() {
		var pr prefixText
		if err := rows.Scan(&pr); err != nil {
			return nil, err
		}
		out = append(out, pr.Prefix)
	}
	return out, rows.Err()
}

// OverlappingIPAllocation returns the subnet of a pool overlapping p, or
// ErrNotFound.
func (s *Store) OverlappingIPAllocation(ctx context.Context, poolID int64, p netip.Prefix) (*IPAllocation, error) {
	last := netipx.PrefixLastIP(p)
	list, err := s.listIPAllocations(ctx, "overlap", ` WHERE a.pool_id = ? AND a.first_addr <= ?
		ORDER BY a.first_addr DESC LIMIT 1`, poolID, s.addr(last))
	if err != nil {
		return nil, err
	}
	if len(list) == 0 || netipx.PrefixLastIP(list[0].Prefix).Less(p.Addr()) {
		return nil, fmt.Errorf("subnet overlapping %s: %w", p, ErrNotFound)
	}
	return list[0], nil
}

// PurgeReusableIPAllocations deletes the released subnets of a pool whose
// grace period is over, and returns them: they are free again.
func (s *Store) PurgeReusableIPAllocations(ctx context.Context, poolID int64) ([]netip.Prefix, error) {
	rows, err := s.query(ctx, `DELETE FROM ip_allocations WHERE pool_id = ? AND reusable_after IS NOT NULL
		AND reusable_after <= ? RETURNING CAST(subnet AS TEXT)`, poolID, s.now())
	if err != nil {
		return nil, fmt.Errorf("purge released subnets of pool %d: %w", poolID, err)
	}
	defer rows.Close()
	var out []netip.Prefix
	for rows.Next() {
		var pr prefixText
		if err := rows.Scan(&pr); err != nil {
			return nil, err
		}
		out = append(out, pr.Prefix)
	}
	return out, rows.Err()
}

// ReleaseIPAllocation marks a subnet released, held for grace.
func (s *Store) ReleaseIPAllocation(ctx context.Context, id int64, grace time.Duration) error {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE ip_allocations SET released_at = ?, reusable_after = ?
		WHERE id = ? AND released_at IS NULL`, now, now.Add(grace), id)
	if err != nil {
		return fmt.Errorf("release subnet %d: %w", id, err)
	}
	return expectOne(res, "allocation", id)
}

// ReclaimIPAllocations gives a subscription back the subnets it released
// that nobody took meanwhile, and returns them.
func (s *Store) ReclaimIPAllocations(ctx context.Context, subscriptionID int64) ([]*IPAllocation, error) {
	list, err := s.listIPAllocations(ctx, "reclaim", ` WHERE a.subscription_id = ? AND a.released_at IS NOT NULL
		ORDER BY a.id`, subscriptionID)
	if err != nil {
		return nil, err
	}
	if _, err := s.exec(ctx, `UPDATE ip_allocations SET released_at = NULL, reusable_after = NULL
		WHERE subscription_id = ? AND released_at IS NOT NULL`, subscriptionID); err != nil {
		return nil, fmt.Errorf("reclaim subnets of subscription %d: %w", subscriptionID, err)
	}
	return list, nil
}

// DeleteIPAllocation removes a subnet at once (reserved ones, when the
// pool's reserved list changes).
func (s *Store) DeleteIPAllocation(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM ip_allocations WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete allocation %d: %w", id, err)
	}
	return expectOne(res, "allocation", id)
}

// IPAllocationByID returns one allocation.
func (s *Store) IPAllocationByID(ctx context.Context, id int64) (*IPAllocation, error) {
	list, err := s.listIPAllocations(ctx, "allocation", ` WHERE a.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("allocation %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// SubscriptionIPAllocations returns the subnets of a subscription, those
// in use first, by pool.
func (s *Store) SubscriptionIPAllocations(ctx context.Context, subscriptionID int64) ([]*IPAllocation, error) {
	return s.listIPAllocations(ctx, "allocations of subscription", ` WHERE a.subscription_id = ?
		ORDER BY CASE WHEN a.released_at IS NULL THEN 0 ELSE 1 END, p.family, a.first_addr`, subscriptionID)
}

// IPAllocationFilter selects the allocations of a pool for its page.
type IPAllocationFilter struct {
	PoolID   int64
	Reserved bool // include the reserved ones
	Limit    int
	Offset   int
}

// ListIPAllocations returns a page of a pool's allocations in address
// order, and their total.
func (s *Store) ListIPAllocations(ctx context.Context, f IPAllocationFilter) ([]*IPAllocation, int, error) {
	where := ` WHERE a.pool_id = ?`
	if !f.Reserved {
		where += ` AND a.kind <> 'reserved'`
	}
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM ip_allocations a`+where, f.PoolID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count allocations of pool %d: %w", f.PoolID, err)
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	list, err := s.listIPAllocations(ctx, "allocations of pool", where+` ORDER BY a.first_addr LIMIT ? OFFSET ?`,
		f.PoolID, f.Limit, f.Offset)
	return list, total, err
}

// ReservedIPAllocations returns a pool's reserved subnets.
func (s *Store) ReservedIPAllocations(ctx context.Context, poolID int64) ([]*IPAllocation, error) {
	return s.listIPAllocations(ctx, "reserved subnets", ` WHERE a.pool_id = ? AND a.kind = 'reserved'
		ORDER BY a.first_addr`, poolID)
}

// SetIPAllocationNameservers saves the delegation of a subnet's reverse zone.
func (s *Store) SetIPAllocationNameservers(ctx context.Context, id int64, ns []string) error {
	res, err := s.exec(ctx, `UPDATE ip_allocations SET nameservers = ? WHERE id = ?`, strings.Join(ns, "\n"), id)
	if err != nil {
		return fmt.Errorf("name servers of allocation %d: %w", id, err)
	}
	return expectOne(res, "allocation", id)
}

// SetIPAllocationNote saves the note of a subnet.
func (s *Store) SetIPAllocationNote(ctx context.Context, id int64, note string) error {
	res, err := s.exec(ctx, `UPDATE ip_allocations SET note = ? WHERE id = ?`, note, id)
	if err != nil {
		return fmt.Errorf("note of allocation %d: %w", id, err)
	}
	return expectOne(res, "allocation", id)
}

// DelegatedIPAllocations returns the subnets of a pool in use whose
// reverse zone is delegated, in address order.
func (s *Store) DelegatedIPAllocations(ctx context.Context, poolID int64) ([]*IPAllocation, error) {
	return s.listIPAllocations(ctx, "delegated subnets", ` WHERE a.pool_id = ? AND a.nameservers <> ''
		AND a.released_at IS NULL ORDER BY a.first_addr`, poolID)
}

// IPAllocationLogEntry is one line of a pool's allocation history.
type IPAllocationLogEntry struct {
	ID             int64
	PoolID         int64
	SubscriptionID int64
	Action         string // allocate, release, reclaim
	Subnet         string
	Message        string
	ActorID        int64
	ActorLogin     string
	CreatedAt      time.Time
}

// AddIPAllocationLog appends e to the history.
func (s *Store) AddIPAllocationLog(ctx context.Context, e *IPAllocationLogEntry) error {
	e.CreatedAt = s.now()
	var sub, actor any
	if e.SubscriptionID != 0 {
		sub = e.SubscriptionID
	}
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	id, err := s.insert(ctx, `INSERT INTO ip_allocation_log (pool_id, subscription_id, action, subnet, message,
		actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, e.PoolID, sub, e.Action, e.Subnet, e.Message, actor, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("log allocation of %s: %w", e.Subnet, err)
	}
	e.ID = id
	return nil
}

// IPAllocationLog returns the latest entries of a pool's history, newest first.
func (s *Store) IPAllocationLog(ctx context.Context, poolID int64, limit int) ([]*IPAllocationLogEntry, error) {
	rows, err := s.query(ctx, `SELECT l.id, l.pool_id, COALESCE(l.subscription_id, 0), l.action, l.subnet,
		l.message, COALESCE(l.actor_id, 0), COALESCE(m.login, ''), l.created_at
		FROM ip_allocation_log l LEFT JOIN members m ON m.id = l.actor_id
		WHERE l.pool_id = ? ORDER BY l.id DESC LIMIT ?`, poolID, limit)
	if err != nil {
		return nil, fmt.Errorf("allocation history of pool %d: %w", poolID, err)
	}
	defer rows.Close()
	var out []*IPAllocationLogEntry
	for rows.Next() {
		var e IPAllocationLogEntry
		if err := rows.Scan(&e.ID, &e.PoolID, &e.SubscriptionID, &e.Action, &e.Subnet, &e.Message,
			&e.ActorID, &e.ActorLogin, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
