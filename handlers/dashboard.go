package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/i18n"
	"coin/model"
	"coin/views"
)

// queuedMailsShown bounds the count of queued e-mails: past it the outbox
// is stuck, and counting every message would cost the dashboard.
const queuedMailsShown = 1000

func (h *Handler) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d views.DashboardData
	byStatus, err := h.Store.CountMembersByStatus(ctx)
	if err != nil {
		return err
	}
	d.Members, d.Pending, d.NotMembers = byStatus[model.StatusMember], byStatus[model.StatusPending], byStatus[model.StatusNotMember]
	if d.QueuedMails, err = h.Store.CountMessages(ctx, model.OutboxQueued, queuedMailsShown); err != nil {
		return err
	}
	d.QueuedMore = d.QueuedMails == queuedMailsShown
	today := date.Today(h.Cfg.Location())
	if auth.Can(user(c).Role, auth.ViewBilling) {
		if d.Open, d.Overdue, err = h.Store.OpenTotals(ctx, today); err != nil {
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
	// The count on the last day of each of the past twelve months, today for this one.
	days := make([]date.Date, 0, 12)
	for i := 11; i >= 0; i-- {
		day := today.FirstOfMonth().AddMonths(-i + 1).AddDays(-1)
		if i == 0 {
			day = today
		}
		days = append(days, day)
	}
	counts, err := h.Store.CountActiveSubscriptionsOn(ctx, days)
	if err != nil {
		return err
	}
	locale := i18n.From(ctx)
	for i, day := range days {
		d.Months = append(d.Months, views.MonthCount{Label: locale.MonthName(day.Month()) + " " + strconv.Itoa(day.Year()), Total: counts[i]})
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "dashboard.title"), views.Dashboard(d))
}
