package api

import (
	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/store"
)

// listSubscriptions: staff see all (as the back office's list, open to
// every staff role); a member's token sees their own.
func (a *api) listSubscriptions(c *fiber.Ctx, p *principal) error {
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	f := store.SubscriptionFilter{Day: date.Today(a.Cfg.Location()), Limit: pg.Limit, Offset: pg.offset()}
	if f.MemberID, err = int64Query(c, "member_id"); err != nil {
		return err
	}
	if p.member() {
		if f.MemberID != 0 && f.MemberID != p.MemberID {
			return errForbidden
		}
		f.MemberID = p.MemberID
	} else if err := need(p, auth.ViewBackOffice, false); err != nil {
		return err
	}
	if f.OfferID, err = int64Query(c, "offer_id"); err != nil {
		return err
	}
	if f.State, err = oneOfQuery(c, "state", "active", "ended", "upcoming"); err != nil {
		return err
	}
	if f.Search, err = textQuery(c, "q"); err != nil {
		return err
	}
	list, total, err := a.Store.ListSubscriptions(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]subscriptionJSON, 0, len(list))
	for _, r := range list {
		out = append(out, subscriptionOf(r))
	}
	return c.JSON(newList(out, pg, total))
}

// subscriptionFor returns the subscription of the path if p may see it: a
// member's token only their own (another's is not found).
func (a *api) subscriptionFor(c *fiber.Ctx, p *principal) (*store.SubscriptionRow, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	if p.member() {
		return a.Store.MemberSubscription(c.UserContext(), p.MemberID, id)
	}
	if err := need(p, auth.ViewBackOffice, false); err != nil {
		return nil, err
	}
	return a.Store.SubscriptionByID(c.UserContext(), id)
}

func (a *api) getSubscription(c *fiber.Ctx, p *principal) error {
	r, err := a.subscriptionFor(c, p)
	if err != nil {
		return err
	}
	return c.JSON(subscriptionOf(r))
}

func (a *api) getConfiguration(c *fiber.Ctx, p *principal) error {
	r, err := a.subscriptionFor(c, p)
	if err != nil {
		return err
	}
	cfg, err := a.Store.ConfigurationOf(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	return c.JSON(configurationOf(cfg))
}

func (a *api) subscriptionIPs(c *fiber.Ctx, p *principal) error {
	r, err := a.subscriptionFor(c, p)
	if err != nil {
		return err
	}
	list, err := a.Store.SubscriptionIPAllocations(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	out := make([]ipAllocationJSON, 0, len(list))
	for _, x := range list {
		out = append(out, ipAllocationOf(x))
	}
	return c.JSON(newItems(out))
}

// suspend suspends or resumes a subscription through the subscription
// service (one transaction, then the provisioning hook), as the back
// office's buttons do.
func (a *api) suspend(suspended bool) handler {
	return func(c *fiber.Ctx, p *principal) error {
		if err := need(p, auth.ManageSubscriptions, true); err != nil {
			return err
		}
		r, err := a.subscriptionFor(c, p)
		if err != nil {
			return err
		}
		if _, err := a.Subs.SetSuspended(c.UserContext(), r, suspended); err != nil {
			return err
		}
		a.Log.Info("subscription suspension set through the api", "subscription", r.ID, "suspended", suspended,
			"token", p.Token.ID)
		r, err = a.Store.SubscriptionByID(c.UserContext(), r.ID)
		if err != nil {
			return err
		}
		return c.JSON(subscriptionOf(r))
	}
}

// listIPs lists one pool's allocations, in address order (network staff).
func (a *api) listIPs(c *fiber.Ctx, p *principal) error {
	if err := need(p, auth.ManageNetwork, false); err != nil {
		return err
	}
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	pool, err := int64Query(c, "pool_id")
	if err != nil {
		return err
	}
	if pool == 0 {
		return badParam("pool_id", "the id of an IP pool")
	}
	if _, err := a.Store.IPPoolByID(c.UserContext(), pool); err != nil {
		return err
	}
	list, total, err := a.Store.ListIPAllocations(c.UserContext(), store.IPAllocationFilter{PoolID: pool,
		Reserved: c.QueryBool("reserved", false), Limit: pg.Limit, Offset: pg.offset()})
	if err != nil {
		return err
	}
	out := make([]ipAllocationJSON, 0, len(list))
	for _, x := range list {
		out = append(out, ipAllocationOf(x))
	}
	return c.JSON(newList(out, pg, total))
}
