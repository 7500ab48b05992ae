package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/i18n"
	"coin/model"
	"coin/store"
	"coin/views"
)

func (h *Handler) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d views.DashboardData
	var err error
	if d.Members, err = h.Store.CountMembers(ctx, model.StatusMember); err != nil {
		return err
	}
	if d.Pending, err = h.Store.CountMembers(ctx, model.StatusPending); err != nil {
		return err
	}
	if d.NotMembers, err = h.Store.CountMembers(ctx, model.StatusNotMember); err != nil {
		return err
	}
	if _, d.QueuedMails, err = h.Store.ListMessages(ctx, store.OutboxFilter{Status: model.OutboxQueued, Limit: 1}); err != nil {
		return err
	}
	today := date.Today(h.Cfg.Location())
	if auth.Can(user(c).Role, auth.ViewBilling) {
		if _, d.Open, err = h.Store.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: "open", Limit: 1}); err != nil {
			return err
		}
		if _, d.Overdue, err = h.Store.ListInvoices(ctx, store.InvoiceFilter{Overdue: today, Limit: 1}); err != nil {
			return err
		}
	}
	if h.Cfg.Hardware.Enabled && auth.Can(user(c).Role, auth.ManageInventory) {
		if d.DownDevices, err = h.Store.DownSNMPTargets(ctx); err != nil {
			return err
		}
	}
	if d.Offers, err = h.Store.CountSubscriptionsByOffer(ctx, today); err != nil {
		return err
	}
	locale := i18n.From(ctx)
	for i := 11; i >= 0; i-- {
		// The count on the last day of each of the past twelve months, today for this one.
		day := today.FirstOfMonth().AddMonths(-i + 1).AddDays(-1)
		if i == 0 {
			day = today
		}
		n, err := h.Store.CountActiveSubscriptions(ctx, day)
		if err != nil {
			return err
		}
		d.Months = append(d.Months, views.MonthCount{Label: locale.MonthName(day.Month()) + " " + strconv.Itoa(day.Year()), Total: n})
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "dashboard.title"), views.Dashboard(d))
}
