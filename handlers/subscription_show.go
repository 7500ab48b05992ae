package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/store"
	"coin/subscription"
	"coin/views"
)

func (h *Handler) subscriptionFromParam(c *fiber.Ctx) (*store.SubscriptionRow, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.SubscriptionByID(c.UserContext(), id)
}

func (h *Handler) subscriptionShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.subscriptionDetail(c, id, nil)
}

// subscriptionDetail renders a subscription's page, with the outcome of the
// change that led there (a hook run, a password to show once).
func (h *Handler) subscriptionDetail(c *fiber.Ctx, id int64, res *subscription.Result) error {
	ctx := c.UserContext()
	row, err := h.Store.SubscriptionByID(ctx, id)
	if err != nil {
		return err
	}
	d := views.SubscriptionDetailData{Row: row, Reference: h.reference(row)}
	if a, err := h.Store.ArrearsOfSubscription(ctx, row.ID); err == nil {
		d.ForArrears = a.State == store.ArrearsSuspending || a.State == store.ArrearsSuspended
	}
	if b := h.Subs.Backends.Get(row.Backend); b != nil {
		d.Fields, d.HasSecret = b.Fields(), b.HasSecret()
		if b.HasState() && h.Subs.Hooks.Configured(row.Backend, "state") {
			if t, err := h.Subs.Target(ctx, &row.Subscription); err == nil {
				d.State, _ = h.Subs.Hooks.State(ctx, t)
			}
		}
	}
	if d.Config, err = h.Store.ConfigurationOf(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if d.Billing, err = h.subscriptionBilling(c, row); err != nil {
		return err
	}
	if d.Runs, err = h.Store.HookRuns(ctx, id, 50); err != nil {
		return err
	}
	if d.Allocations, err = h.Store.SubscriptionIPAllocations(ctx, id); err != nil {
		return err
	}
	if d.LDAP, err = h.Store.LDAPSyncOf(ctx, id); err != nil {
		return err
	}
	if res != nil {
		d.Password, d.LastRun = res.Password, res.Run
		if isHTMX(c) {
			// A reload then shows the page without the one-time password.
			c.Set("HX-Push-Url", h.Cfg.URL("/admin/subscriptions/"+strconv.FormatInt(id, 10)))
		}
	}
	return h.page(c, fiber.StatusOK, d.Reference, views.SubscriptionDetail(d))
}

// subscriptionBilling is the offer's price and period and how far the
// subscription has been invoiced, for its page in the back office or the
// portal.
func (h *Handler) subscriptionBilling(c *fiber.Ctx, row *store.SubscriptionRow) (views.SubscriptionBilling, error) {
	var b views.SubscriptionBilling
	ctx := c.UserContext()
	o, err := h.Store.OfferByID(ctx, row.OfferID)
	if err != nil {
		return b, err
	}
	b.Offer = o
	if b.InvoicedUntil, err = h.Store.InvoicedUntil(ctx, row.ID); err != nil {
		return b, err
	}
	return b, nil
}
