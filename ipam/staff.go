package ipam

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"coin/form"
	"coin/model"
	"coin/store"
	"coin/subscription"
)

// HandForm is an allocation staff make on a pool's page.
type HandForm struct {
	Subnet       string // "" for the first free subnet of the pool's size
	Subscription string // id of the subscription it is for; "" for nobody
	Note         string
}

// AllocateByHand takes a subnet of a pool for a subscription, or keeps it
// out for nobody: the one typed, checked free, or the first free one of
// the pool's size. The configuration of the subscription is not changed.
func (a *Allocator) AllocateByHand(ctx context.Context, poolID int64, f HandForm, by *store.Member) (*store.IPAllocation, form.Errors, error) {
	errs := form.Errors{}
	f.Note = strings.TrimSpace(f.Note)
	errs.MaxLen("note", f.Note, 500)
	var subID int64
	var sub *store.SubscriptionRow
	if s := strings.TrimSpace(f.Subscription); s != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err == nil {
			sub, err = a.Store.SubscriptionByID(ctx, id)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		if sub == nil {
			errs.Add("subscription", "ipam.err.subscription_unknown")
		} else {
			subID = sub.ID
		}
	}
	var want netip.Prefix
	if s := strings.TrimSpace(f.Subnet); s != "" {
		p, ok := parsePrefixOrAddr(s)
		if !ok {
			errs.Add("subnet", "ipam.err.subnet_invalid")
		}
		want = p
	}
	if errs.Any() {
		return nil, errs, nil
	}
	var al *store.IPAllocation
	var msg string
	err := a.Store.Tx(ctx, func(tx *store.Store) error {
		var pool *store.IPPool
		var err error
		if want.IsValid() {
			pool, al, err = a.Claim(ctx, tx, poolID, want, subID, model.AllocManual, f.Note)
		} else {
			pool, al, err = a.Allocate(ctx, tx, poolID, subID)
		}
		var taken *TakenError
		switch {
		case errors.As(err, &taken):
			errs.AddWith("subnet", "ipam.err.taken", map[string]string{"Subnet": taken.Holder.Prefix.String()})
			return errRefused
		case errors.Is(err, ErrOutside):
			errs.AddWith("subnet", "ipam.err.outside", map[string]string{"Pool": pool.Name})
			return errRefused
		case errors.Is(err, ErrPoolFull):
			errs.AddWith("subnet", "ipam.err.pool_full", map[string]string{"Pool": pool.Name,
				"Length": strconv.Itoa(pool.SubnetLength)})
			return errRefused
		case err != nil:
			return err
		}
		if !want.IsValid() && f.Note != "" {
			al.Note = f.Note
			if err := tx.SetIPAllocationNote(ctx, al.ID, f.Note); err != nil {
				return err
			}
		}
		e := Event{Action: "Allocated", Pool: pool, Allocation: al, By: by}
		if sub != nil && a.LDAP != nil {
			if err := a.LDAP.Changed(ctx, tx, sub.ID, sub.Backend); err != nil {
				return err
			}
		}
		if sub != nil {
			e.Member, e.Subscription = sub.MemberLogin, subscription.Reference(a.reference, &sub.Subscription,
				&store.Offer{Reference: sub.OfferReference, Name: sub.OfferName}, &store.Member{Login: sub.MemberLogin})
		}
		msg, err = a.record(ctx, tx, e)
		return err
	})
	if errors.Is(err, errRefused) {
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	a.logged([]string{msg}, "pool", poolID, "by", by.Login)()
	return al, nil, nil
}

// parsePrefixOrAddr reads "198.51.100.7", "198.51.100.0/29" or an IPv6
// equivalent; a prefix must have no host bits.
func parsePrefixOrAddr(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Masked() != p || p.Addr().Zone() != "" || p.Addr().Is4In6() {
			return p, false
		}
		return p, true
	}
	a := parseAddr(s)
	return netip.PrefixFrom(a, a.BitLen()), a.IsValid()
}

// ReleaseByStaff gives back a subnet before its subscription ends (or one
// kept out by hand): it stays out of allocation for the grace period. The
// configuration field holding it, if any, is emptied. Reserved subnets
// are changed through the pool's reserved list instead.
func (a *Allocator) ReleaseByStaff(ctx context.Context, al *store.IPAllocation, by *store.Member) error {
	if al.Kind == model.AllocReserved || al.Released() {
		return store.ErrConflict
	}
	var msg string
	err := a.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ReleaseIPAllocation(ctx, al.ID, a.Grace); err != nil {
			return err
		}
		pool, err := tx.IPPoolByID(ctx, al.PoolID)
		if err != nil {
			return err
		}
		e := Event{Action: "Released", Pool: pool, Allocation: al, By: by, Member: al.MemberLogin}
		if al.SubscriptionID != 0 {
			if err := forgetEndpoint(ctx, tx, al); err != nil {
				return err
			}
			sub, err := tx.SubscriptionByID(ctx, al.SubscriptionID)
			if err != nil {
				return err
			}
			if a.LDAP != nil {
				if err := a.LDAP.Changed(ctx, tx, sub.ID, sub.Backend); err != nil {
					return err
				}
			}
			e.Subscription = subscription.Reference(a.reference, &sub.Subscription,
				&store.Offer{Reference: sub.OfferReference, Name: sub.OfferName}, &store.Member{Login: sub.MemberLogin})
		}
		msg, err = a.record(ctx, tx, e)
		return err
	})
	if err != nil {
		return err
	}
	a.logged([]string{msg}, "pool", al.PoolID, "by", by.Login)()
	return nil
}

// forgetEndpoint empties the configuration field that holds a released subnet.
func forgetEndpoint(ctx context.Context, tx *store.Store, al *store.IPAllocation) error {
	cfg, err := tx.ConfigurationOf(ctx, al.SubscriptionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	changed := false
	for k, v := range cfg.Data {
		if (k == "ipv4_endpoint" || k == "ipv6_endpoint") && v == al.Prefix.String() {
			delete(cfg.Data, k)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return tx.SaveConfiguration(ctx, cfg)
}
