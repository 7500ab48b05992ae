package ipam

import (
	"context"
	"errors"
	"net/netip"
	"strconv"

	"coin/backend"
	"coin/form"
	"coin/model"
	"coin/provision"
	"coin/store"
)

// ipFields maps an address family (4, 6) to the backend's field holding
// it, for backends that have one.
func ipFields(fields []backend.Field) map[int]string {
	out := map[int]string{}
	for _, f := range fields {
		switch f.Kind {
		case backend.IPv4:
			if out[4] == "" {
				out[4] = f.Name
			}
		case backend.IPv6:
			if out[6] == "" {
				out[6] = f.Name
			}
		}
	}
	return out
}

// Assign gives a configuration its subnets inside tx, the transaction that
// stores it. An address typed by staff (an IP field that is new or
// changed) is checked free and recorded as a manual allocation when a pool
// covers it; addresses outside every pool are left as typed. On creation
// (before is nil), every pool linked to the offer, by priority, gives the
// first free subnet of its size, except pools of a family whose field staff
// filled; the first subnet of each family fills the empty IP field.
//
// Form errors (a full pool, an address taken) mean nothing must be
// written: the caller rolls back. The allocations are logged once tx commits.
func (a *Allocator) Assign(ctx context.Context, tx *store.Store, t provision.Target, fields []backend.Field, before map[string]string) (errs form.Errors, err error) {
	errs = form.Errors{}
	var msgs []string
	note := a.noter(ctx, tx, t, "Allocated", &msgs)
	byFamily := ipFields(fields)
	typed := map[int]bool{}
	for family, name := range byFamily {
		v := t.Config.Data[name]
		if v == "" {
			continue
		}
		typed[family] = true
		if before != nil && before[name] == v {
			continue
		}
		p, perr := netip.ParsePrefix(v)
		if perr != nil {
			errs.Add("cfg_"+name, "err.choice_invalid")
			continue
		}
		pool, al, cerr := a.claimForSubscription(ctx, tx, p, t.Subscription.ID)
		if id, data := claimError(cerr); id != "" {
			errs.AddWith("cfg_"+name, id, data)
			continue
		} else if cerr != nil {
			return nil, cerr
		}
		if al != nil {
			if err := note(pool, al); err != nil {
				return nil, err
			}
		}
	}
	if before == nil && !errs.Any() {
		if err := a.fillFromPools(ctx, tx, t, byFamily, typed, note, errs); err != nil {
			return nil, err
		}
	}
	if errs.Any() {
		return errs, nil
	}
	tx.AfterCommit(a.logged(msgs, "subscription", t.Subscription.ID))
	return nil, nil
}

// fillFromPools gives t, from every pool of its offer by priority, the
// first free subnet of the pool's size, except in pools where it holds one
// already and for families whose field was typed; the first subnet of each
// family fills its empty IP field. A full pool is a form error in errs.
func (a *Allocator) fillFromPools(ctx context.Context, tx *store.Store, t provision.Target, byFamily map[int]string,
	typed map[int]bool, note func(*store.IPPool, *store.IPAllocation) error, errs form.Errors) error {
	pools, err := tx.OfferIPPools(ctx, t.Offer.ID)
	if err != nil {
		return err
	}
	held, err := tx.SubscriptionIPAllocations(ctx, t.Subscription.ID)
	if err != nil {
		return err
	}
	holds := map[int64]bool{}
	for _, al := range held {
		holds[al.PoolID] = holds[al.PoolID] || !al.Released()
	}
	for _, pool := range pools {
		if typed[pool.Family()] || holds[pool.ID] {
			continue
		}
		_, al, err := a.Allocate(ctx, tx, pool.ID, t.Subscription.ID)
		if errors.Is(err, ErrPoolFull) {
			field := "offer_id"
			if name := byFamily[pool.Family()]; name != "" {
				field = "cfg_" + name
			}
			errs.AddWith(field, "ipam.err.pool_full", map[string]string{"Pool": pool.Name,
				"Length": strconv.Itoa(pool.SubnetLength)})
			continue
		}
		if err != nil {
			return err
		}
		if err := note(pool, al); err != nil {
			return err
		}
		if name := byFamily[pool.Family()]; name != "" && t.Config.Data[name] == "" {
			t.Config.Data[name] = al.Prefix.String()
		}
	}
	return nil
}

// claimForSubscription records an address typed in a configuration: nil
// allocation when no pool covers it or the subscription already holds it.
func (a *Allocator) claimForSubscription(ctx context.Context, tx *store.Store, p netip.Prefix, subID int64) (*store.IPPool, *store.IPAllocation, error) {
	pool, err := PoolOf(ctx, tx, p)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return pool, nil, err
	}
	if held, err := tx.OverlappingIPAllocation(ctx, pool.ID, p); err == nil && held.SubscriptionID == subID &&
		held.Prefix == p && !held.Released() {
		return pool, nil, nil
	}
	return a.Claim(ctx, tx, pool.ID, p, subID, model.AllocManual, "")
}

// noter returns what records, inside tx, an action on a subnet of t's
// subscription in its pool's history, keeping the message in msgs for the
// log once the transaction is committed.
func (a *Allocator) noter(ctx context.Context, tx *store.Store, t provision.Target, action string, msgs *[]string) func(*store.IPPool, *store.IPAllocation) error {
	return func(pool *store.IPPool, al *store.IPAllocation) error {
		msg, err := a.record(ctx, tx, Event{Action: action, Pool: pool, Allocation: al,
			Member: t.Member.Login, Subscription: t.Reference})
		*msgs = append(*msgs, msg)
		return err
	}
}

// claimError turns a refused claim into a form error (id "" otherwise).
func claimError(err error) (string, map[string]string) {
	var taken *TakenError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &taken):
		return "ipam.err.taken", map[string]string{"Subnet": taken.Holder.Prefix.String()}
	case errors.Is(err, ErrOutside):
		return "ipam.err.across_pools", nil
	}
	return "", nil
}

// Release gives back, inside tx, the subnets of a subscription that ended:
// they stay out of allocation for the grace period. Logged once tx commits.
func (a *Allocator) Release(ctx context.Context, tx *store.Store, t provision.Target) error {
	list, err := tx.SubscriptionIPAllocations(ctx, t.Subscription.ID)
	if err != nil {
		return err
	}
	var msgs []string
	for _, al := range list {
		if al.Released() {
			continue
		}
		if err := tx.ReleaseIPAllocation(ctx, al.ID, a.Grace); err != nil {
			return err
		}
		pool, err := tx.IPPoolByID(ctx, al.PoolID)
		if err != nil {
			return err
		}
		if err := a.noter(ctx, tx, t, "Released", &msgs)(pool, al); err != nil {
			return err
		}
	}
	tx.AfterCommit(a.logged(msgs, "subscription", t.Subscription.ID))
	return nil
}

// Reclaim gives a subscription that starts again (its resign date moved
// on) the subnets it released and that nobody got meanwhile. An address of
// its configuration that went to someone else after the grace period is
// replaced by a free one of the offer's pools, like on creation; when a
// pool is full, the field stays empty and the log says so: the
// subscription goes on, staff give it an address by hand.
func (a *Allocator) Reclaim(ctx context.Context, tx *store.Store, t provision.Target, fields []backend.Field) error {
	list, err := tx.ReclaimIPAllocations(ctx, t.Subscription.ID)
	if err != nil {
		return err
	}
	var msgs []string
	note := func(action string) func(*store.IPPool, *store.IPAllocation) error {
		return a.noter(ctx, tx, t, action, &msgs)
	}
	for _, al := range list {
		pool, err := tx.IPPoolByID(ctx, al.PoolID)
		if err != nil {
			return err
		}
		if err := note("Reclaimed")(pool, al); err != nil {
			return err
		}
	}
	tx.AfterCommit(a.logged(msgs, "subscription", t.Subscription.ID))
	if t.Config == nil {
		return nil
	}
	byFamily := ipFields(fields)
	typed, err := a.keepOwnAddresses(ctx, tx, t, byFamily, note("Allocated"))
	if err != nil {
		return err
	}
	errs := form.Errors{}
	if err := a.fillFromPools(ctx, tx, t, byFamily, typed, note("Allocated"), errs); err != nil {
		return err
	}
	if err := tx.SaveConfiguration(ctx, t.Config); err != nil {
		return err
	}
	if errs.Any() {
		tx.AfterCommit(func() {
			a.Log.Warn("subscription starts again without an address: pool full",
				"subscription", t.Subscription.ID)
		})
	}
	return nil
}

// keepOwnAddresses empties the IP fields of t's configuration whose
// address is now held by someone else, and tells which families keep one.
func (a *Allocator) keepOwnAddresses(ctx context.Context, tx *store.Store, t provision.Target, byFamily map[int]string,
	note func(*store.IPPool, *store.IPAllocation) error) (map[int]bool, error) {
	kept := map[int]bool{}
	for family, name := range byFamily {
		p, err := netip.ParsePrefix(t.Config.Data[name])
		if err != nil {
			continue // empty (or not an address): left for the pools
		}
		kept[family] = true
		pool, err := PoolOf(ctx, tx, p)
		if errors.Is(err, store.ErrNotFound) {
			continue // outside every pool: staff's business
		}
		if err != nil {
			return nil, err
		}
		held, err := tx.OverlappingIPAllocation(ctx, pool.ID, p)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Purged but free: take it again.
			_, al, err := a.Claim(ctx, tx, pool.ID, p, t.Subscription.ID, model.AllocManual, "")
			if id, _ := claimError(err); id != "" {
				t.Config.Data[name] = ""
				kept[family] = false
			} else if err != nil {
				return nil, err
			} else if err := note(pool, al); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case held.SubscriptionID != t.Subscription.ID:
			t.Config.Data[name] = ""
			kept[family] = false
		}
	}
	return kept, nil
}
