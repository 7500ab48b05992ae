package ipam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"coin/form"
	"coin/store"
)

// DeletePool removes a pool whose subnets are all reserved ones (given to
// no subscription); otherwise store.ErrInUse and nothing is written.
func (a *Allocator) DeletePool(ctx context.Context, p *store.IPPool, by *store.Member) error {
	return a.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteIPPool(ctx, p.ID); err != nil {
			return err
		}
		tx.AfterCommit(func() { a.Log.Info("ip pool deleted", "area", "ipam", "pool", p.Name, "by", login(by)) })
		return nil
	})
}

// LinkOffer checks the offer and the priority (1 to 100) typed by staff and
// links the pool to the offer, or changes the link's priority.
func (a *Allocator) LinkOffer(ctx context.Context, p *store.IPPool, offer, priority string, by *store.Member) (form.Errors, error) {
	errs := form.Errors{}
	offerID, _ := strconv.ParseInt(offer, 10, 64)
	prio, err := strconv.Atoi(strings.TrimSpace(priority))
	if err != nil || prio < 1 || prio > 100 {
		errs.Add("priority", "ipam.err.priority_invalid")
	}
	if offerID == 0 {
		errs.Add("offer_id", "err.required")
	}
	if errs.Any() {
		return errs, nil
	}
	err = a.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LinkIPPoolOffer(ctx, p.ID, offerID, prio); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			a.Log.Info("ip pool linked to offer", "area", "ipam", "pool", p.Name, "offer", offerID, "priority", prio, "by", login(by))
		})
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return form.Errors{"offer_id": "err.choice_invalid"}, nil
	}
	return nil, err
}

// UnlinkOffer removes the link between a pool and an offer.
func (a *Allocator) UnlinkOffer(ctx context.Context, p *store.IPPool, offerID int64, by *store.Member) error {
	return a.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UnlinkIPPoolOffer(ctx, p.ID, offerID); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			a.Log.Info("ip pool unlinked from offer", "area", "ipam", "pool", p.Name, "offer", offerID, "by", login(by))
		})
		return nil
	})
}

// DeletePTR removes a reverse name of an allocation (staff, or the member
// holding it: the caller checks who may).
func (a *Allocator) DeletePTR(ctx context.Context, al *store.IPAllocation, id int64, by *store.Member) error {
	return a.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteIPPTR(ctx, al.ID, id); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			a.Log.Info("reverse name deleted", "area", "ipam", "subnet", al.Prefix.String(), "ptr", id, "by", login(by))
		})
		return nil
	})
}

func login(by *store.Member) string {
	if by == nil {
		return ""
	}
	return by.Login
}
