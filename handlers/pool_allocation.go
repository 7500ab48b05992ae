package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/form"
	"coin/ipam"
	"coin/store"
	"coin/views"
)

// poolAllocation loads the pool and the allocation of the :id and :aid
// parameters: 404 when the allocation is not the pool's.
func (h *Handler) poolAllocation(c *fiber.Ctx) (*store.IPPool, *store.IPAllocation, error) {
	p, err := h.poolFromParam(c)
	if err != nil {
		return nil, nil, err
	}
	aid, err := strconv.ParseInt(c.Params("aid"), 10, 64)
	if err != nil {
		return nil, nil, fiber.ErrNotFound
	}
	al, err := h.Store.IPAllocationByID(c.UserContext(), aid)
	if err != nil {
		return nil, nil, err
	}
	if al.PoolID != p.ID {
		return nil, nil, fiber.ErrNotFound
	}
	return p, al, nil
}

func allocationPath(al *store.IPAllocation) string {
	return poolPath(al.PoolID) + "/allocations/" + strconv.FormatInt(al.ID, 10)
}

// reverseDNSData fills the reverse DNS block of an allocation.
func (h *Handler) reverseDNSData(c *fiber.Ctx, p *store.IPPool, al *store.IPAllocation, base string) (views.ReverseDNSData, error) {
	d := views.ReverseDNSData{Alloc: al, Base: base, NS: strings.Join(al.Nameservers, "\n"),
		Delegable: ipam.CheckDelegation(p.Prefix, al.Prefix) == nil}
	var err error
	d.PTRs, err = h.Store.IPPTRs(c.UserContext(), al.ID, 0)
	return d, err
}

func (h *Handler) allocationShow(c *fiber.Ctx) error {
	p, al, err := h.poolAllocation(c)
	if err != nil {
		return err
	}
	return h.renderAllocation(c, fiber.StatusOK, p, al, nil)
}

// renderAllocation shows an allocation's page; change, when not nil, is
// the reverse DNS form that was refused.
func (h *Handler) renderAllocation(c *fiber.Ctx, status int, p *store.IPPool, al *store.IPAllocation, change func(*views.ReverseDNSData)) error {
	d, err := h.reverseDNSData(c, p, al, allocationPath(al))
	if err != nil {
		return err
	}
	if change != nil {
		change(&d)
	}
	page := views.AllocationPageData{Pool: p, RDNS: d}
	if al.SubscriptionID != 0 {
		row, err := h.Store.SubscriptionByID(c.UserContext(), al.SubscriptionID)
		if err != nil {
			return err
		}
		page.Subscription, page.Reference = row, h.reference(row)
	}
	return h.page(c, status, al.Prefix.String(), views.AllocationPage(page))
}

// reverseDNSChange runs one change of an allocation's reverse DNS (PTR
// added or removed, delegation) for staff or for the member holding it;
// refused forms come back through render with status 422.
func (h *Handler) reverseDNSChange(c *fiber.Ctx, p *store.IPPool, al *store.IPAllocation, action string,
	render func(status int, change func(*views.ReverseDNSData)) error, back string) error {
	ctx := c.UserContext()
	var errs form.Errors
	var err error
	ptr := ipam.PTRForm{Address: c.FormValue("address"), Name: c.FormValue("name")}
	ns := c.FormValue("nameservers")
	switch action {
	case "ptr":
		errs, err = ipam.SetPTR(ctx, h.Store, al, ptr)
	case "ptr-delete":
		pid, perr := strconv.ParseInt(c.Params("pid"), 10, 64)
		if perr != nil {
			return fiber.ErrNotFound
		}
		err = h.IPAM.DeletePTR(ctx, al, pid, user(c))
	case "ns":
		errs, err = ipam.SetNameservers(ctx, h.Store, p, al, ns)
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return render(fiber.StatusUnprocessableEntity, func(d *views.ReverseDNSData) {
			d.Errs, d.PTRForm = errs, ptr
			if action == "ns" {
				d.NS = ns
			}
		})
	}
	h.flash(c, "ipam.rdns_saved", false)
	return h.redirect(c, back)
}

func (h *Handler) allocationRDNS(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, al, err := h.poolAllocation(c)
		if err != nil {
			return err
		}
		render := func(status int, change func(*views.ReverseDNSData)) error {
			return h.renderAllocation(c, status, p, al, change)
		}
		return h.reverseDNSChange(c, p, al, action, render, allocationPath(al))
	}
}

// allocationRelease gives a subnet back before its subscription ends.
func (h *Handler) allocationRelease(c *fiber.Ctx) error {
	_, al, err := h.poolAllocation(c)
	if err != nil {
		return err
	}
	if err := h.IPAM.ReleaseByStaff(c.UserContext(), al, user(c)); errors.Is(err, store.ErrConflict) {
		h.flash(c, "ipam.cannot_release", true)
		return h.redirect(c, poolPath(al.PoolID))
	} else if err != nil {
		return err
	}
	h.flash(c, "ipam.released", false)
	return h.redirect(c, poolPath(al.PoolID))
}
