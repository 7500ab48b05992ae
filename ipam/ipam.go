// Package ipam allocates subnets from IP pools: the first free subnet of
// a pool's default size for each new configuration of an offer linked to
// it, subnets chosen by staff, releases with a grace period, and the
// reverse DNS (PTR names, delegations) of what is allocated.
//
// Every allocation runs inside the caller's write transaction with the
// pool locked (SQLite's write lock; PostgreSQL's row lock, with the
// exclusion constraint as the safety net), so that concurrent requests
// never get overlapping subnets. The search for a free subnet starts at a
// per-pool hint (no free subnet lies below it) and walks the pool's
// subnets in address order through an index, so it costs the same for the
// 10 000th subnet as for the first.
package ipam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"text/template"
	"time"

	"go4.org/netipx"

	"coin/config"
	"coin/ldapsync"
	"coin/model"
	"coin/store"
)

// Allocator gives out and takes back subnets.
type Allocator struct {
	Store   *store.Store
	Message *template.Template // ip.allocation_message
	Grace   time.Duration      // ip.release_grace_days
	Log     *slog.Logger
	// LDAP is told of the subnets staff give or take back by hand, so the
	// LDAP entry follows; nil: no LDAP sync.
	LDAP *ldapsync.Syncer
	// reference is services.subscription_reference, for the history.
	reference string
}

// New builds an allocator from the configuration (validated by Load).
func New(st *store.Store, cfg *config.Config, log *slog.Logger) (*Allocator, error) {
	tpl, err := config.ParseAllocationMessage(cfg.IP.AllocationMessage)
	if err != nil {
		return nil, fmt.Errorf("ip.allocation_message: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Allocator{Store: st, Message: tpl, Grace: cfg.IP.ReleaseGrace(), Log: log,
		reference: cfg.Services.SubscriptionReference}, nil
}

// ErrPoolFull is returned when a pool has no free subnet of its size left.
var ErrPoolFull = errors.New("no free subnet left")

// PoolFullError names the full pool.
type PoolFullError struct {
	Pool   string
	Length int
}

func (e *PoolFullError) Error() string {
	return fmt.Sprintf("pool %s: no free /%d left", e.Pool, e.Length)
}
func (e *PoolFullError) Unwrap() error { return ErrPoolFull }

// TakenError says a subnet asked for overlaps one already allocated.
type TakenError struct {
	Subnet netip.Prefix
	Holder *store.IPAllocation
}

func (e *TakenError) Error() string {
	return fmt.Sprintf("%s overlaps %s, already allocated", e.Subnet, e.Holder.Prefix)
}

// ErrOutside is returned for a subnet not inside the pool it is asked of.
var ErrOutside = errors.New("not inside the pool")

// Event is one allocation or release, as the history records it.
type Event struct {
	Action       string // "Allocated", "Released", "Reclaimed"
	Pool         *store.IPPool
	Allocation   *store.IPAllocation
	Member       string // login
	Subscription string // reference
	By           *store.Member
}

// actionKey is how an action is stored in the history.
var actionKey = map[string]string{"Allocated": "allocate", "Released": "release", "Reclaimed": "reclaim"}

// record writes an event to the pool's history inside tx and returns the
// message, for the log once the transaction is committed.
func (a *Allocator) record(ctx context.Context, tx *store.Store, e Event) (string, error) {
	var b strings.Builder
	sample := config.AllocationSample{Action: e.Action, Subnet: e.Allocation.Prefix.String(),
		Pool: e.Pool.Name, Member: e.Member, Subscription: e.Subscription}
	if e.By != nil {
		sample.By = e.By.Login
	}
	if err := a.Message.Execute(&b, sample); err != nil {
		return "", fmt.Errorf("ip.allocation_message: %w", err)
	}
	msg := strings.TrimSpace(b.String())
	entry := &store.IPAllocationLogEntry{PoolID: e.Pool.ID, SubscriptionID: e.Allocation.SubscriptionID,
		Action: actionKey[e.Action], Subnet: e.Allocation.Prefix.String(), Message: msg}
	if e.By != nil {
		entry.ActorID = e.By.ID
	}
	if err := tx.AddIPAllocationLog(ctx, entry); err != nil {
		return "", err
	}
	// On the subscription the subnet serves, else on the pool.
	recordType, recordID := "subscription", e.Allocation.SubscriptionID
	if recordID == 0 {
		recordType, recordID = "ip_pool", e.Pool.ID
	}
	return msg, tx.Audit(ctx, &store.AuditEntry{Action: auditAction[e.Action], RecordType: recordType, RecordID: &recordID,
		Changes: []store.Change{{Field: "subnet", New: e.Allocation.Prefix.String()}, {Field: "pool", New: e.Pool.Name}}})
}

// auditAction is how an action is named in the audit log.
var auditAction = map[string]string{"Allocated": "ipam.audit_allocated", "Released": "ipam.audit_released",
	"Reclaimed": "ipam.audit_reclaimed"}

// logged returns what writes messages to the log: call it after commit.
func (a *Allocator) logged(msgs []string, attrs ...any) func() {
	return func() {
		for _, m := range msgs {
			a.Log.Info(m, append([]any{"area", "ipam"}, attrs...)...)
		}
	}
}

// alignUp returns the first address at or after addr that starts a
// subnet of length bits (false past the end of the address space).
func alignUp(addr netip.Addr, bits int) (netip.Addr, bool) {
	p := netip.PrefixFrom(addr, bits).Masked()
	if p.Addr() == addr {
		return addr, true
	}
	next := netipx.PrefixLastIP(p).Next()
	return next, next.IsValid()
}

// after returns the first start of a subnet of length bits past p.
func after(p netip.Prefix, bits int) (netip.Addr, bool) {
	next := netipx.PrefixLastIP(p).Next()
	if !next.IsValid() {
		return next, false
	}
	return alignUp(next, bits)
}

// searchBatch is how many subnets one query of the search reads.
const searchBatch = 64

// hintLag is how many subnets the search may walk past the hint before
// the hint is moved: moving it costs a write, walking a few subnets costs
// nothing (they come in the same batch).
const hintLag = searchBatch / 2

// firstFree finds the first free subnet of the pool's size at or after
// its hint, and how many subnets it walked past to find it. tx must hold
// the pool (LockIPPool).
func firstFree(ctx context.Context, tx *store.Store, pool *store.IPPool) (netip.Prefix, int, error) {
	bits := pool.SubnetLength
	full := &PoolFullError{Pool: pool.Name, Length: bits}
	start := pool.Prefix.Addr()
	if h := pool.Hint; h.IsValid() && pool.Prefix.Contains(h) && start.Less(h) {
		start = h
	}
	c, ok := alignUp(start, bits)
	if !ok || !pool.Prefix.Contains(c) {
		return netip.Prefix{}, 0, full
	}
	// The first batch begins with the subnet starting last before c, the
	// only one that may cover c.
	from, walked := c, 0
	for {
		batch, err := tx.IPSubnetsFrom(ctx, pool.ID, from, searchBatch)
		if err != nil {
			return netip.Prefix{}, walked, err
		}
		n := 0
		for _, r := range batch {
			if !r.Addr().Less(from) {
				n++
			}
			if netipx.PrefixLastIP(r).Less(c) {
				continue
			}
			if netipx.PrefixLastIP(netip.PrefixFrom(c, bits)).Less(r.Addr()) {
				return netip.PrefixFrom(c, bits), walked, nil
			}
			walked++
			if c, ok = after(r, bits); !ok || !pool.Prefix.Contains(c) {
				return netip.Prefix{}, walked, full
			}
		}
		if n < searchBatch {
			return netip.PrefixFrom(c, bits), walked, nil
		}
		if from = batch[len(batch)-1].Addr().Next(); !from.IsValid() {
			return netip.PrefixFrom(c, bits), walked, nil
		}
	}
}

// lockAndPurge locks a pool for the transaction and frees the released
// subnets whose grace period is over, lowering the hint to the first.
func lockAndPurge(ctx context.Context, tx *store.Store, poolID int64) (*store.IPPool, error) {
	pool, purge, err := tx.LockIPPool(ctx, poolID)
	if err != nil || !purge {
		return pool, err
	}
	freed, err := tx.PurgeReusableIPAllocations(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if len(freed) > 0 {
		low := pool.Hint
		for _, f := range freed {
			if !low.IsValid() || f.Addr().Less(low) {
				low = f.Addr()
			}
		}
		if low != pool.Hint {
			pool.Hint = low
			if err := tx.SetIPPoolHint(ctx, pool.ID, low); err != nil {
				return nil, err
			}
		}
	}
	return pool, nil
}

// Allocate takes the first free subnet of the pool's size for a
// subscription (0: kept out for nobody). tx must be a transaction.
func (a *Allocator) Allocate(ctx context.Context, tx *store.Store, poolID, subscriptionID int64) (*store.IPPool, *store.IPAllocation, error) {
	pool, err := lockAndPurge(ctx, tx, poolID)
	if err != nil {
		return nil, nil, err
	}
	p, walked, err := firstFree(ctx, tx, pool)
	if errors.Is(err, ErrPoolFull) && walked > 0 {
		// Nothing is free past the hint either: the next search of a full
		// pool starts at its end.
		if err := tx.SetIPPoolHint(ctx, pool.ID, netipx.PrefixLastIP(pool.Prefix)); err != nil {
			return pool, nil, err
		}
	}
	if err != nil {
		return pool, nil, err
	}
	al := &store.IPAllocation{PoolID: pool.ID, SubscriptionID: subscriptionID, Kind: model.AllocAuto, Prefix: p}
	if err := tx.InsertIPAllocation(ctx, al); err != nil {
		return pool, nil, err
	}
	al.PoolName = pool.Name
	// Nothing free lies below the subnet just taken.
	if next := netipx.PrefixLastIP(p).Next(); next.IsValid() && walked >= hintLag {
		pool.Hint = next
		if err := tx.SetIPPoolHint(ctx, pool.ID, next); err != nil {
			return pool, nil, err
		}
	}
	return pool, al, nil
}

// Claim takes a given subnet of a pool if it is free: a manual
// allocation (kind manual) or a reserved range (kind reserved).
func (a *Allocator) Claim(ctx context.Context, tx *store.Store, poolID int64, p netip.Prefix, subscriptionID int64, kind, note string) (*store.IPPool, *store.IPAllocation, error) {
	pool, err := lockAndPurge(ctx, tx, poolID)
	if err != nil {
		return nil, nil, err
	}
	p = p.Masked()
	if !pool.Prefix.Contains(p.Addr()) || p.Bits() < pool.Prefix.Bits() {
		return pool, nil, fmt.Errorf("%s in pool %s: %w", p, pool.Name, ErrOutside)
	}
	holder, err := tx.OverlappingIPAllocation(ctx, pool.ID, p)
	switch {
	case err == nil:
		return pool, nil, &TakenError{Subnet: p, Holder: holder}
	case !errors.Is(err, store.ErrNotFound):
		return pool, nil, err
	}
	al := &store.IPAllocation{PoolID: pool.ID, SubscriptionID: subscriptionID, Kind: kind, Prefix: p, Note: note}
	if err := tx.InsertIPAllocation(ctx, al); err != nil {
		if errors.Is(err, store.ErrOverlap) {
			// Another transaction won the race (PostgreSQL's exclusion
			// constraint said so): report it as taken.
			return pool, nil, &TakenError{Subnet: p, Holder: al}
		}
		return pool, nil, err
	}
	al.PoolName = pool.Name
	return pool, al, nil
}

// PoolOf returns the pool that contains p; ErrNotFound when none does;
// ErrOutside when p overlaps a pool without fitting inside it.
func PoolOf(ctx context.Context, st *store.Store, p netip.Prefix) (*store.IPPool, error) {
	pools, err := st.ListIPPools(ctx)
	if err != nil {
		return nil, err
	}
	for _, pool := range pools {
		if !pool.Prefix.Overlaps(p) {
			continue
		}
		if pool.Prefix.Contains(p.Addr()) && p.Bits() >= pool.Prefix.Bits() {
			return pool, nil
		}
		return pool, fmt.Errorf("%s across pool %s: %w", p, pool.Name, ErrOutside)
	}
	return nil, fmt.Errorf("pool of %s: %w", p, store.ErrNotFound)
}
