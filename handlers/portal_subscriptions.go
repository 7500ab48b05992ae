package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/store"
	"coin/subscription"
	"coin/views"
)

// portalSubscription builds the portal view of one of the member's subscriptions.
func (h *Handler) portalSubscription(c *fiber.Ctx, row *store.SubscriptionRow) (views.PortalSubscription, error) {
	ctx := c.UserContext()
	p := views.PortalSubscription{Row: row, Reference: h.reference(row)}
	if a, err := h.Store.ArrearsOfSubscription(ctx, row.ID); err == nil {
		p.ForArrears = a.State == store.ArrearsSuspending || a.State == store.ArrearsSuspended
	}
	cfg, err := h.Store.ConfigurationOf(ctx, row.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return p, err
	}
	p.Config = cfg
	if p.Allocations, err = h.Store.SubscriptionIPAllocations(ctx, row.ID); err != nil {
		return p, err
	}
	if p.Billing, err = h.subscriptionBilling(c, row); err != nil {
		return p, err
	}
	b := h.Subs.Backends.Get(row.Backend)
	if b == nil {
		return p, nil
	}
	p.Fields = b.Fields()
	memberEdits := row.Backend == "vpn" && h.Cfg.Services.MemberCanEditVPNConf && row.ActiveOn(views.EnvOf(ctx).Today)
	p.CanRegenerate = memberEdits && b.HasSecret() && cfg != nil
	p.CanEdit = memberEdits && cfg != nil
	if b.HasState() && h.Subs.Hooks.Configured(row.Backend, "state") && row.ActiveOn(views.EnvOf(ctx).Today) {
		if t, err := h.Subs.Target(ctx, &row.Subscription); err == nil {
			p.State, _ = h.Subs.Hooks.State(ctx, t)
		}
	}
	return p, nil
}

func (h *Handler) portalSubscriptions(c *fiber.Ctx) error {
	return h.renderPortalSubscriptions(c, 0, nil)
}

// renderPortalSubscriptions lists the member's own subscriptions; res is
// the outcome of a change to subscription id (a password to show once).
func (h *Handler) renderPortalSubscriptions(c *fiber.Ctx, id int64, res *subscription.Result) error {
	rows, _, err := h.Store.ListSubscriptions(c.UserContext(), store.SubscriptionFilter{MemberID: user(c).ID})
	if err != nil {
		return err
	}
	subs := make([]views.PortalSubscription, 0, len(rows))
	for _, r := range rows {
		p, err := h.portalSubscription(c, r)
		if err != nil {
			return err
		}
		if res != nil && r.ID == id {
			p.Password = res.Password
		}
		subs = append(subs, p)
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "portal.subscriptions"), views.PortalSubscriptions(subs))
}

// ownSubscription returns the member's subscription of the :id parameter,
// or 404 when it is someone else's.
func (h *Handler) ownSubscription(c *fiber.Ctx) (*store.SubscriptionRow, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.MemberSubscription(c.UserContext(), user(c).ID, id)
}

func (h *Handler) portalPassword(c *fiber.Ctx) error {
	row, err := h.ownSubscription(c)
	if err != nil {
		return err
	}
	p, err := h.portalSubscription(c, row)
	if err != nil {
		return err
	}
	if !p.CanRegenerate {
		return fiber.ErrForbidden
	}
	res, err := h.Subs.RegeneratePassword(c.UserContext(), row)
	if err != nil {
		return err
	}
	return h.renderPortalSubscriptions(c, row.ID, res)
}

func (h *Handler) portalConfigPage(c *fiber.Ctx) error {
	row, err := h.ownSubscription(c)
	if err != nil {
		return err
	}
	p, err := h.portalSubscription(c, row)
	if err != nil {
		return err
	}
	if !p.CanEdit {
		return fiber.ErrForbidden
	}
	return h.configPage(c, fiber.StatusOK, row, p.Config.Data, nil, true)
}

func (h *Handler) portalConfig(c *fiber.Ctx) error {
	row, err := h.ownSubscription(c)
	if err != nil {
		return err
	}
	p, err := h.portalSubscription(c, row)
	if err != nil {
		return err
	}
	if !p.CanEdit {
		return fiber.ErrForbidden
	}
	_, values := h.subscriptionFormValues(c)
	_, errs, err := h.Subs.UpdateConfig(c.UserContext(), row, values, true)
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.configPage(c, fiber.StatusUnprocessableEntity, row, values, errs, true)
	}
	h.flash(c, "portal.config_saved", false)
	return h.redirect(c, "/subscriptions")
}
