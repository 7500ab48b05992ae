package ipam

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"go4.org/netipx"

	"coin/form"
	"coin/model"
	"coin/store"
)

// PoolForm is a pool as staff type it.
type PoolForm struct {
	Name         string
	CIDR         string
	SubnetLength string
	Reserved     string
	Description  string
}

// FormOf returns the form of an existing pool.
func FormOf(p *store.IPPool) PoolForm {
	return PoolForm{Name: p.Name, CIDR: p.Prefix.String(), SubnetLength: strconv.Itoa(p.SubnetLength),
		Reserved: p.Reserved, Description: p.Description}
}

// DefaultLength proposes a subnet size for a new pool: one address for
// IPv4, a /56 for IPv6 (RIPE-690's advice for end users).
func DefaultLength(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 32
	}
	return max(56, p.Bits())
}

// ParsePool reads a network prefix typed by staff: its address must be the
// network's first (no host bits), and IPv6 must not be IPv4-mapped.
func ParsePool(s string) (netip.Prefix, string) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return p, "ipam.err.cidr_invalid"
	}
	if p.Addr().Zone() != "" || p.Addr().Is4In6() {
		return p, "ipam.err.cidr_invalid"
	}
	if p.Masked() != p {
		return p, "ipam.err.cidr_host_bits"
	}
	return p, ""
}

// ReservedError names an entry of the reserved list that is refused.
type ReservedError struct {
	Entry string
	ID    string // message id
}

func (e *ReservedError) Error() string { return e.ID + ": " + e.Entry }

// ParseReserved reads the list of what a pool keeps out: addresses,
// prefixes (198.51.100.0/30) and ranges (198.51.100.10-198.51.100.20),
// separated by new lines, commas or spaces, each inside the pool. It
// returns the fewest prefixes that cover them, in address order.
func ParseReserved(text string, pool netip.Prefix) ([]netip.Prefix, error) {
	var b netipx.IPSetBuilder
	for _, entry := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}) {
		r, ok := parseRange(entry)
		if !ok || r.From().Is4() != pool.Addr().Is4() {
			return nil, &ReservedError{Entry: entry, ID: "ipam.err.reserved_invalid"}
		}
		if !pool.Contains(r.From()) || !pool.Contains(r.To()) {
			return nil, &ReservedError{Entry: entry, ID: "ipam.err.reserved_outside"}
		}
		b.AddRange(r)
	}
	set, err := b.IPSet()
	if err != nil {
		return nil, err
	}
	return set.Prefixes(), nil
}

// parseRange reads an address, a prefix or "first-last".
func parseRange(s string) (netipx.IPRange, bool) {
	if from, to, ok := strings.Cut(s, "-"); ok {
		r := netipx.IPRangeFrom(parseAddr(from), parseAddr(to))
		return r, r.IsValid()
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Addr().Zone() != "" {
			return netipx.IPRange{}, false
		}
		return netipx.RangeOfPrefix(p.Masked()), true
	}
	a := parseAddr(s)
	return netipx.IPRangeFrom(a, a), a.IsValid()
}

func parseAddr(s string) netip.Addr {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return netip.Addr{}
	}
	return a
}

// SavePool validates f and creates the pool (p.ID == 0) or updates p, and
// puts its reserved list into effect, in one transaction. A prefix cannot
// change while subnets are allocated from it.
func (a *Allocator) SavePool(ctx context.Context, p *store.IPPool, f PoolForm) (form.Errors, error) {
	errs := form.Errors{}
	f.Name, f.Description = strings.TrimSpace(f.Name), strings.TrimSpace(f.Description)
	errs.Required("name", f.Name)
	errs.MaxLen("name", f.Name, 100)
	errs.MaxLen("description", f.Description, 2000)
	errs.MaxLen("reserved", f.Reserved, 10000)
	prefix, bad := ParsePool(f.CIDR)
	if bad != "" {
		errs.AddWith("cidr", bad, map[string]string{"Network": prefix.Masked().String()})
	}
	length, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(f.SubnetLength), "/"))
	if err != nil || (bad == "" && (length < prefix.Bits() || length > prefix.Addr().BitLen())) {
		errs.Add("subnet_length", "ipam.err.length_invalid")
	}
	var reserved []netip.Prefix
	if bad == "" {
		var re *ReservedError
		if reserved, err = ParseReserved(f.Reserved, prefix); errors.As(err, &re) {
			errs.AddWith("reserved", re.ID, map[string]string{"Entry": re.Entry})
		} else if err != nil {
			return nil, err
		}
	}
	if errs.Any() {
		return errs, nil
	}
	err = a.Store.Tx(ctx, func(tx *store.Store) error {
		if p.ID != 0 && p.Prefix != prefix {
			n, err := countGiven(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				errs.Add("cidr", "ipam.err.cidr_in_use")
				return errRefused
			}
		}
		p.Name, p.Prefix, p.SubnetLength, p.Reserved, p.Description = f.Name, prefix, length, strings.TrimSpace(f.Reserved), f.Description
		var err error
		if p.ID == 0 {
			err = tx.CreateIPPool(ctx, p)
		} else {
			err = tx.UpdateIPPool(ctx, p)
		}
		var oe *store.OverlapError
		switch {
		case errors.As(err, &oe):
			errs.AddWith("cidr", "ipam.err.pool_overlap", map[string]string{"Pool": oe.With})
			return errRefused
		case errors.Is(err, store.ErrConflict):
			errs.Add("name", "ipam.err.name_taken")
			return errRefused
		case err != nil:
			return err
		}
		return a.reserve(ctx, tx, p, reserved, errs)
	})
	if errors.Is(err, errRefused) {
		return errs, nil
	}
	return nil, err
}

var errRefused = errors.New("refused")

// countGiven counts the subnets of a pool given to subscriptions or kept
// out by hand (not those of the reserved list).
func countGiven(ctx context.Context, tx *store.Store, poolID int64) (int, error) {
	_, n, err := tx.ListIPAllocations(ctx, store.IPAllocationFilter{PoolID: poolID, Limit: 1})
	return n, err
}

// reserve replaces the reserved subnets of a pool by want; the reverse
// names of reserved addresses (a gateway's) follow them.
func (a *Allocator) reserve(ctx context.Context, tx *store.Store, p *store.IPPool, want []netip.Prefix, errs form.Errors) error {
	old, err := tx.ReservedIPAllocations(ctx, p.ID)
	if err != nil {
		return err
	}
	keep := map[netip.Prefix]bool{}
	var names []*store.IPPTR
	for _, al := range old {
		if slices.Contains(want, al.Prefix) {
			keep[al.Prefix] = true
			continue
		}
		ptrs, err := tx.IPPTRs(ctx, al.ID, 0)
		if err != nil {
			return err
		}
		names = append(names, ptrs...)
		if err := tx.DeleteIPAllocation(ctx, al.ID); err != nil {
			return err
		}
	}
	for _, r := range want {
		if keep[r] {
			continue
		}
		_, al, err := a.Claim(ctx, tx, p.ID, r, 0, model.AllocReserved, "")
		var taken *TakenError
		if errors.As(err, &taken) {
			errs.AddWith("reserved", "ipam.err.reserved_taken", map[string]string{"Subnet": taken.Holder.Prefix.String()})
			return errRefused
		}
		if err != nil {
			return fmt.Errorf("reserve %s in pool %s: %w", r, p.Name, err)
		}
		for _, n := range names {
			if r.Contains(n.Addr) {
				if err := tx.SetIPPTR(ctx, &store.IPPTR{AllocationID: al.ID, Addr: n.Addr, Name: n.Name}); err != nil {
					return err
				}
			}
		}
	}
	// The search starts over: the reserved ranges or the size changed.
	return tx.SetIPPoolHint(ctx, p.ID, netip.Addr{})
}
