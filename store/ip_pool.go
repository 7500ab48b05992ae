package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"go4.org/netipx"
)

// ErrOverlap is returned when a pool or a subnet would overlap another.
var ErrOverlap = errors.New("overlaps")

// OverlapError names what a new pool or subnet overlaps.
type OverlapError struct {
	With string // the other pool's name, or the other subnet
}

func (e *OverlapError) Error() string { return "overlaps " + e.With }
func (e *OverlapError) Unwrap() error { return ErrOverlap }

// IPPool is a range of addresses that subnets are allocated from.
type IPPool struct {
	ID     int64
	Name   string
	Prefix netip.Prefix
	// SubnetLength is the prefix length of the subnets given to new
	// configurations (32: one IPv4 address; 56: an IPv6 /56).
	SubnetLength int
	// Reserved lists the addresses, prefixes and ranges kept out, as typed.
	Reserved    string
	Description string
	// Hint is where the search for a free subnet starts: no free subnet of
	// SubnetLength begins below it. Invalid: the start of the pool.
	Hint      netip.Addr
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Family is 4 or 6.
func (p *IPPool) Family() int {
	if p.Prefix.Addr().Is4() {
		return 4
	}
	return 6
}

// addr is how an address goes into the database: bytes in network order
// on SQLite (compared like numbers), text on PostgreSQL (inet).
func (s *Store) addr(a netip.Addr) any {
	if s.dialect == Postgres {
		return a.String()
	}
	return a.AsSlice()
}

// addrColumn selects an address column so that scanAddr can read it.
func (s *Store) addrColumn(col string) string {
	if s.dialect == Postgres {
		return "host(" + col + ")"
	}
	return col
}

// nullAddr scans what addrColumn selected.
type nullAddr struct{ netip.Addr }

func (n *nullAddr) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.Addr = netip.Addr{}
		return nil
	case string:
		a, err := netip.ParseAddr(x)
		n.Addr = a
		return err
	case []byte:
		a, ok := netip.AddrFromSlice(x)
		if !ok {
			return fmt.Errorf("address of %d bytes", len(x))
		}
		n.Addr = a
		return nil
	}
	return fmt.Errorf("cannot scan %T as an address", v)
}

// prefixText scans a subnet selected as text ("198.51.100.7/32").
type prefixText struct{ netip.Prefix }

func (p *prefixText) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("cannot scan %T as a prefix", v)
	}
	pr, err := netip.ParsePrefix(s)
	p.Prefix = pr
	return err
}

// isOverlapViolation tells whether err is the database refusing an overlap
// (PostgreSQL's exclusion constraints, SQLite's triggers).
func isOverlapViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23P01"
	}
	var le sqlite3.Error
	if errors.As(err, &le) {
		return strings.Contains(le.Error(), "overlap")
	}
	return false
}

const ipPoolColumns = `id, name, CAST(cidr AS TEXT), subnet_length, reserved, description, %s, created_at, updated_at`

func (s *Store) ipPoolSelect() string {
	return `SELECT ` + fmt.Sprintf(ipPoolColumns, s.addrColumn("next_hint")) + ` FROM ip_pools`
}

func scanIPPool(row scanner) (*IPPool, error) {
	var p IPPool
	var pr prefixText
	var hint nullAddr
	if err := row.Scan(&p.ID, &p.Name, &pr, &p.SubnetLength, &p.Reserved, &p.Description, &hint,
		&p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.Prefix, p.Hint = pr.Prefix, hint.Addr
	return &p, nil
}

// overlappingPool returns the name of a pool other than id overlapping p.
func (s *Store) overlappingPool(ctx context.Context, p netip.Prefix, id int64) (string, error) {
	pools, err := s.ListIPPools(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range pools {
		if o.ID != id && o.Prefix.Overlaps(p) {
			return o.Name, nil
		}
	}
	return "", nil
}

// CreateIPPool inserts p. A pool overlapping another is an *OverlapError
// naming it; a name in use is ErrConflict.
func (s *Store) CreateIPPool(ctx context.Context, p *IPPool) error {
	return s.Tx(ctx, func(tx *Store) error {
		if other, err := tx.overlappingPool(ctx, p.Prefix, 0); err != nil {
			return err
		} else if other != "" {
			return fmt.Errorf("create pool %s: %w", p.Prefix, &OverlapError{With: other})
		}
		now := tx.now()
		p.CreatedAt, p.UpdatedAt = now, now
		id, err := tx.insert(ctx, `INSERT INTO ip_pools (name, cidr, family, first_addr, last_addr,
			subnet_length, reserved, description, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, p.Prefix.String(), p.Family(),
			tx.addr(p.Prefix.Addr()), tx.addr(netipx.PrefixLastIP(p.Prefix)), p.SubnetLength, p.Reserved,
			p.Description, p.CreatedAt, p.UpdatedAt)
		switch {
		case isOverlapViolation(err):
			return fmt.Errorf("create pool %s: %w", p.Prefix, &OverlapError{With: "?"})
		case isUniqueViolation(err):
			return fmt.Errorf("create pool %q: %w", p.Name, ErrConflict)
		case err != nil:
			return fmt.Errorf("create pool %q: %w", p.Name, err)
		}
		p.ID = id
		return nil
	})
}

// UpdateIPPool saves p and starts the free-subnet search over from the
// pool's beginning (its size or reserved ranges may have changed).
func (s *Store) UpdateIPPool(ctx context.Context, p *IPPool) error {
	return s.Tx(ctx, func(tx *Store) error {
		if other, err := tx.overlappingPool(ctx, p.Prefix, p.ID); err != nil {
			return err
		} else if other != "" {
			return fmt.Errorf("update pool %d: %w", p.ID, &OverlapError{With: other})
		}
		p.UpdatedAt, p.Hint = tx.now(), netip.Addr{}
		res, err := tx.exec(ctx, `UPDATE ip_pools SET name = ?, cidr = ?, family = ?, first_addr = ?,
			last_addr = ?, subnet_length = ?, reserved = ?, description = ?, next_hint = NULL,
			updated_at = ? WHERE id = ?`, p.Name, p.Prefix.String(), p.Family(), tx.addr(p.Prefix.Addr()),
			tx.addr(netipx.PrefixLastIP(p.Prefix)), p.SubnetLength, p.Reserved, p.Description, p.UpdatedAt, p.ID)
		switch {
		case isOverlapViolation(err):
			return fmt.Errorf("update pool %d: %w", p.ID, &OverlapError{With: "?"})
		case isUniqueViolation(err):
			return fmt.Errorf("update pool %d: %w", p.ID, ErrConflict)
		case err != nil:
			return fmt.Errorf("update pool %d: %w", p.ID, err)
		}
		return expectOne(res, "pool", p.ID)
	})
}

// DeleteIPPool removes a pool whose subnets are all reserved ones (given
// to no subscription); otherwise ErrInUse.
func (s *Store) DeleteIPPool(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM ip_allocations WHERE pool_id = ?
			AND subscription_id IS NOT NULL`, id).Scan(&n); err != nil {
			return fmt.Errorf("delete pool %d: %w", id, err)
		}
		if n > 0 {
			return fmt.Errorf("delete pool %d: %w", id, ErrInUse)
		}
		res, err := tx.exec(ctx, `DELETE FROM ip_pools WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete pool %d: %w", id, err)
		}
		return expectOne(res, "pool", id)
	})
}

// IPPoolByID returns one pool.
func (s *Store) IPPoolByID(ctx context.Context, id int64) (*IPPool, error) {
	p, err := scanIPPool(s.queryRow(ctx, s.ipPoolSelect()+` WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "pool", id)
	}
	return p, nil
}

// IPPoolByName returns the pool of that name.
func (s *Store) IPPoolByName(ctx context.Context, name string) (*IPPool, error) {
	p, err := scanIPPool(s.queryRow(ctx, s.ipPoolSelect()+` WHERE name = ?`, name))
	if err != nil {
		return nil, notFound(err, "pool", name)
	}
	return p, nil
}

// LockIPPool returns a pool and, inside a transaction, keeps other
// allocations in it waiting until the transaction ends: PostgreSQL locks
// the row; SQLite's write transactions already run one at a time. purge
// tells whether released subnets of the pool are reusable now.
func (s *Store) LockIPPool(ctx context.Context, id int64) (pool *IPPool, purge bool, err error) {
	q := `SELECT ` + fmt.Sprintf(ipPoolColumns, s.addrColumn("next_hint")) + `,
		EXISTS (SELECT 1 FROM ip_allocations a WHERE a.pool_id = ip_pools.id
			AND a.reusable_after IS NOT NULL AND a.reusable_after <= ?)
		FROM ip_pools WHERE id = ?`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var p IPPool
	var pr prefixText
	var hint nullAddr
	err = s.queryRow(ctx, q, s.now(), id).Scan(&p.ID, &p.Name, &pr, &p.SubnetLength, &p.Reserved,
		&p.Description, &hint, &p.CreatedAt, &p.UpdatedAt, &purge)
	if err != nil {
		return nil, false, notFound(err, "pool", id)
	}
	p.Prefix, p.Hint = pr.Prefix, hint.Addr
	return &p, purge, nil
}

// SetIPPoolHint records where the next free-subnet search starts.
func (s *Store) SetIPPoolHint(ctx context.Context, id int64, hint netip.Addr) error {
	var arg any
	if hint.IsValid() {
		arg = s.addr(hint)
	}
	if _, err := s.exec(ctx, `UPDATE ip_pools SET next_hint = ? WHERE id = ?`, arg, id); err != nil {
		return fmt.Errorf("set hint of pool %d: %w", id, err)
	}
	return nil
}

// ListIPPools returns every pool, IPv4 first, by address.
func (s *Store) ListIPPools(ctx context.Context) ([]*IPPool, error) {
	rows, err := s.query(ctx, s.ipPoolSelect()+` ORDER BY family, first_addr`)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	defer rows.Close()
	var out []*IPPool
	for rows.Next() {
		p, err := scanIPPool(rows)
		if err != nil {
			return nil, fmt.Errorf("scan pool: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// IPPoolOffer links a pool to an offer whose new configurations it serves.
type IPPoolOffer struct {
	PoolID         int64
	OfferID        int64
	Priority       int
	PoolName       string
	OfferName      string
	OfferReference string
}

// LinkIPPoolOffer links a pool to an offer, or changes the link's priority.
func (s *Store) LinkIPPoolOffer(ctx context.Context, poolID, offerID int64, priority int) error {
	_, err := s.exec(ctx, `INSERT INTO ip_pool_offers (pool_id, offer_id, priority) VALUES (?, ?, ?)
		ON CONFLICT (pool_id, offer_id) DO UPDATE SET priority = excluded.priority`, poolID, offerID, priority)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("link pool %d to offer %d: %w", poolID, offerID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("link pool %d to offer %d: %w", poolID, offerID, err)
	}
	return nil
}

// UnlinkIPPoolOffer removes a link.
func (s *Store) UnlinkIPPoolOffer(ctx context.Context, poolID, offerID int64) error {
	if _, err := s.exec(ctx, `DELETE FROM ip_pool_offers WHERE pool_id = ? AND offer_id = ?`, poolID, offerID); err != nil {
		return fmt.Errorf("unlink pool %d from offer %d: %w", poolID, offerID, err)
	}
	return nil
}

// IPPoolOffers lists the offers a pool serves (poolID) or the pools
// serving an offer (offerID), by priority; 0 leaves a side open.
func (s *Store) IPPoolOffers(ctx context.Context, poolID, offerID int64) ([]IPPoolOffer, error) {
	rows, err := s.query(ctx, `SELECT l.pool_id, l.offer_id, l.priority, p.name, o.name, o.reference
		FROM ip_pool_offers l JOIN ip_pools p ON p.id = l.pool_id JOIN offers o ON o.id = l.offer_id
		WHERE (? = 0 OR l.pool_id = ?) AND (? = 0 OR l.offer_id = ?)
		ORDER BY l.priority, p.family, p.first_addr, o.reference`, poolID, poolID, offerID, offerID)
	if err != nil {
		return nil, fmt.Errorf("pool offers: %w", err)
	}
	defer rows.Close()
	var out []IPPoolOffer
	for rows.Next() {
		var l IPPoolOffer
		if err := rows.Scan(&l.PoolID, &l.OfferID, &l.Priority, &l.PoolName, &l.OfferName, &l.OfferReference); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// OfferIPPools returns the pools serving an offer, by priority.
func (s *Store) OfferIPPools(ctx context.Context, offerID int64) ([]*IPPool, error) {
	rows, err := s.query(ctx, s.ipPoolSelect()+` p JOIN ip_pool_offers l ON l.pool_id = p.id
		WHERE l.offer_id = ? ORDER BY l.priority, p.family, p.first_addr`, offerID)
	if err != nil {
		return nil, fmt.Errorf("pools of offer %d: %w", offerID, err)
	}
	defer rows.Close()
	var out []*IPPool
	for rows.Next() {
		p, err := scanIPPool(rows)
		if err != nil {
			return nil, fmt.Errorf("scan pool: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
