package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/form"
	"coin/i18n"
	"coin/ledger"
	"coin/views"
)

// periodsPage lists the closed accounting periods and closes another
// (treasurer, admin).
func (h *Handler) periodsPage(c *fiber.Ctx) error {
	return h.periodsRender(c, fiber.StatusOK, views.PeriodsData{})
}

func (h *Handler) periodsRender(c *fiber.Ctx, status int, d views.PeriodsData) error {
	var err error
	if d.Closed, err = h.Store.ClosedPeriods(c.UserContext()); err != nil {
		return err
	}
	return h.page(c, status, h.tr(c, "ledger.periods_title"), views.PeriodsPage(d))
}

// periodClose closes the period typed: a month YYYY-MM or a year YYYY
// that has ended.
func (h *Handler) periodClose(c *fiber.Ctx) error {
	d := views.PeriodsData{Period: strings.TrimSpace(c.FormValue("period")), Errs: form.Errors{}}
	_, err := h.Books.Ledger().Close(c.UserContext(), h.Store, d.Period, user(c).Login)
	switch {
	case errors.Is(err, ledger.ErrBadPeriod):
		d.Errs.Add("period", "ledger.err_bad_period")
	case errors.Is(err, ledger.ErrPeriodNotOver):
		d.Errs.Add("period", "ledger.err_not_over")
	case errors.Is(err, ledger.ErrAlreadyClosed):
		d.Errs.Add("period", "ledger.err_already_closed")
	case err != nil:
		return err
	}
	if d.Errs.Any() {
		return h.periodsRender(c, fiber.StatusUnprocessableEntity, d)
	}
	h.Log.Info("accounting period closed", "period", d.Period, "by", user(c).ID)
	h.flash(c, "ledger.closed", false)
	return h.redirect(c, "/admin/accounting/periods")
}

// closedPeriodPage answers a write refused because its date is in a closed
// period, whatever the page: the message names the period.
func (h *Handler) closedPeriodPage(c *fiber.Ctx, closed *ledger.ClosedError) error {
	return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "error.title"),
		views.ErrorText(fiber.StatusUnprocessableEntity, closed.Message(i18n.From(c.UserContext()))))
}
