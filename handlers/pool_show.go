package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/ipam"
	"coin/store"
	"coin/views"
)

const allocationsPerPage = 100

func poolPath(id int64) string { return "/admin/pools/" + strconv.FormatInt(id, 10) }

// poolShow is a pool's page: usage per size, offers served, allocations,
// the form to allocate by hand and the history.
func (h *Handler) poolShow(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	return h.renderPool(c, fiber.StatusOK, p, views.PoolPageData{})
}

// renderPool fills and renders a pool's page; d may carry a form's
// values and errors.
func (h *Handler) renderPool(c *fiber.Ctx, status int, p *store.IPPool, d views.PoolPageData) error {
	ctx := c.UserContext()
	d.Pool = p
	taken, err := h.Store.IPPoolSubnets(ctx, p.ID)
	if err != nil {
		return err
	}
	d.Usage = ipam.ComputeUsage(p.Prefix, p.SubnetLength, taken)
	if d.Links, err = h.Store.IPPoolOffers(ctx, p.ID, 0); err != nil {
		return err
	}
	if d.Offers, err = h.Store.ListOffers(ctx); err != nil {
		return err
	}
	d.Page = pageParam(c)
	d.PerPage = allocationsPerPage
	d.Allocations, d.Total, err = h.Store.ListIPAllocations(ctx, store.IPAllocationFilter{PoolID: p.ID, Reserved: true,
		Limit: allocationsPerPage, Offset: pageOffset(d.Page, allocationsPerPage)})
	if err != nil {
		return err
	}
	if d.Log, err = h.Store.IPAllocationLog(ctx, p.ID, 50); err != nil {
		return err
	}
	for _, z := range ipam.Zones(p.Prefix) {
		d.Zones = append(d.Zones, ipam.ZoneName(z))
	}
	return h.page(c, status, p.Name, views.PoolPage(d))
}

// poolLinkOffer links the pool to an offer with a priority (or changes it).
func (h *Handler) poolLinkOffer(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	errs, err := h.IPAM.LinkOffer(c.UserContext(), p, c.FormValue("offer_id"), c.FormValue("priority"), user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.renderPool(c, fiber.StatusUnprocessableEntity, p, views.PoolPageData{LinkErrs: errs,
			LinkValues: map[string]string{"offer_id": c.FormValue("offer_id"), "priority": c.FormValue("priority")}})
	}
	h.flash(c, "ipam.offer_linked", false)
	return h.redirect(c, poolPath(p.ID))
}

func (h *Handler) poolUnlinkOffer(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	offerID, err := strconv.ParseInt(c.Params("offer"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := h.IPAM.UnlinkOffer(c.UserContext(), p, offerID, user(c)); err != nil {
		return err
	}
	h.flash(c, "ipam.offer_unlinked", false)
	return h.redirect(c, poolPath(p.ID))
}

// poolAllocate allocates by hand: a given subnet, checked free, or the
// next free one.
func (h *Handler) poolAllocate(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	f := ipam.HandForm{Subnet: c.FormValue("subnet"), Subscription: c.FormValue("subscription"), Note: c.FormValue("note")}
	_, errs, err := h.IPAM.AllocateByHand(c.UserContext(), p.ID, f, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.renderPool(c, fiber.StatusUnprocessableEntity, p, views.PoolPageData{Hand: f, HandErrs: errs})
	}
	h.flash(c, "ipam.allocated", false)
	return h.redirect(c, poolPath(p.ID))
}

// poolZone serves the reverse DNS records of the pool as text.
func (h *Handler) poolZone(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	text, err := ipam.Zone(c.UserContext(), h.Store, p, ipam.ZoneOptions{})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(text)
}
