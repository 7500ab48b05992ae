package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/store"
	"coin/views"
)

// portalNetworkPath is where a member edits the reverse DNS of a subscription.
func portalNetworkPath(subID int64) string {
	return "/subscriptions/" + strconv.FormatInt(subID, 10) + "/network"
}

// portalNetwork shows the member the subnets of one of their subscriptions,
// with their reverse DNS to edit. Another member's subscription is a 404.
func (h *Handler) portalNetwork(c *fiber.Ctx) error {
	row, err := h.ownSubscription(c)
	if err != nil {
		return err
	}
	return h.renderPortalNetwork(c, fiber.StatusOK, row, 0, nil)
}

// renderPortalNetwork renders the page; change applies to the block of
// allocation aid (a refused form).
func (h *Handler) renderPortalNetwork(c *fiber.Ctx, status int, row *store.SubscriptionRow, aid int64, change func(*views.ReverseDNSData)) error {
	ctx := c.UserContext()
	list, err := h.Store.SubscriptionIPAllocations(ctx, row.ID)
	if err != nil {
		return err
	}
	d := views.PortalNetworkData{Row: row, Reference: h.reference(row)}
	for _, al := range list {
		if al.Released() {
			continue
		}
		p, err := h.Store.IPPoolByID(ctx, al.PoolID)
		if err != nil {
			return err
		}
		block, err := h.reverseDNSData(c, p, al, portalNetworkPath(row.ID)+"/"+strconv.FormatInt(al.ID, 10))
		if err != nil {
			return err
		}
		if al.ID == aid && change != nil {
			change(&block)
		}
		d.Blocks = append(d.Blocks, block)
	}
	return h.page(c, status, h.tr(c, "ipam.reverse_dns"), views.PortalNetwork(d))
}

// portalRDNS changes the reverse DNS of one of the member's own subnets:
// a subnet of someone else, or released, is a 404.
func (h *Handler) portalRDNS(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		row, err := h.ownSubscription(c)
		if err != nil {
			return err
		}
		aid, err := strconv.ParseInt(c.Params("aid"), 10, 64)
		if err != nil {
			return fiber.ErrNotFound
		}
		al, err := h.Store.IPAllocationByID(c.UserContext(), aid)
		if err != nil {
			return err
		}
		if al.SubscriptionID != row.ID || al.Released() {
			return fiber.ErrNotFound
		}
		p, err := h.Store.IPPoolByID(c.UserContext(), al.PoolID)
		if err != nil {
			return err
		}
		render := func(status int, change func(*views.ReverseDNSData)) error {
			return h.renderPortalNetwork(c, status, row, al.ID, change)
		}
		return h.reverseDNSChange(c, p, al, action, render, portalNetworkPath(row.ID))
	}
}
