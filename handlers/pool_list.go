package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/ipam"
	"coin/store"
	"coin/views"
)

// poolList shows the IP pools with how full each is.
func (h *Handler) poolList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pools, err := h.Store.ListIPPools(ctx)
	if err != nil {
		return err
	}
	links, err := h.Store.IPPoolOffers(ctx, 0, 0)
	if err != nil {
		return err
	}
	rows := make([]views.PoolRow, len(pools))
	for i, p := range pools {
		taken, err := h.Store.IPPoolSubnets(ctx, p.ID)
		if err != nil {
			return err
		}
		rows[i] = views.PoolRow{Pool: p, Usage: ipam.ComputeUsage(p.Prefix, p.SubnetLength, taken)}
		for _, l := range links {
			if l.PoolID == p.ID {
				rows[i].Offers = append(rows[i].Offers, l)
			}
		}
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "ipam.title"), views.Pools(rows))
}

// poolFromParam loads the pool of the :id parameter.
func (h *Handler) poolFromParam(c *fiber.Ctx) (*store.IPPool, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.IPPoolByID(c.UserContext(), id)
}

func (h *Handler) poolNewPage(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, h.tr(c, "ipam.new_pool"), views.PoolForm(views.PoolFormData{}))
}

func poolFormFromRequest(c *fiber.Ctx) ipam.PoolForm {
	return ipam.PoolForm{Name: c.FormValue("name"), CIDR: c.FormValue("cidr"), SubnetLength: c.FormValue("subnet_length"),
		Reserved: c.FormValue("reserved"), Description: c.FormValue("description")}
}

// savePool validates and saves the pool form, or shows it again.
func (h *Handler) savePool(c *fiber.Ctx, p *store.IPPool) error {
	f := poolFormFromRequest(c)
	errs, err := h.IPAM.SavePool(c.UserContext(), p, f)
	if err != nil {
		return err
	}
	if errs.Any() {
		title := h.tr(c, "ipam.new_pool")
		if p.ID != 0 {
			title = p.Name
		}
		return h.page(c, fiber.StatusUnprocessableEntity, title, views.PoolForm(views.PoolFormData{ID: p.ID, Form: f, Errs: errs}))
	}
	h.flash(c, "ipam.pool_saved", false)
	return h.redirect(c, poolPath(p.ID))
}

func (h *Handler) poolCreate(c *fiber.Ctx) error { return h.savePool(c, &store.IPPool{}) }

func (h *Handler) poolEditPage(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, p.Name, views.PoolForm(views.PoolFormData{ID: p.ID, Form: ipam.FormOf(p)}))
}

func (h *Handler) poolEdit(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	return h.savePool(c, p)
}

func (h *Handler) poolDelete(c *fiber.Ctx) error {
	p, err := h.poolFromParam(c)
	if err != nil {
		return err
	}
	if err := h.IPAM.DeletePool(c.UserContext(), p, user(c)); errors.Is(err, store.ErrInUse) {
		h.flash(c, "ipam.pool_in_use", true)
		return h.redirect(c, poolPath(p.ID))
	} else if err != nil {
		return err
	}
	h.flash(c, "ipam.pool_deleted", false)
	return h.redirect(c, "/admin/pools")
}
