package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/store"
	"coin/views"
)

func (h *Handler) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d views.DashboardData
	var err error
	if d.Members, err = h.Store.CountMembers(ctx, store.StatusMember); err != nil {
		return err
	}
	if d.Pending, err = h.Store.CountMembers(ctx, store.StatusPending); err != nil {
		return err
	}
	if d.NotMembers, err = h.Store.CountMembers(ctx, store.StatusNotMember); err != nil {
		return err
	}
	if _, d.QueuedMails, err = h.Store.ListMessages(ctx, store.OutboxFilter{Status: store.OutboxQueued, Limit: 1}); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "dashboard.title"), views.Dashboard(d))
}
