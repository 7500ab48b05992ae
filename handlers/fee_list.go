package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/views"
)

const feesPerPage = 50

// feeList lists members with their latest fee, filtered by fee state (up
// to date, expired, never paid), member status and a search.
func (h *Handler) feeList(c *fiber.Ctx) error {
	page := pageParam(c)
	today := date.Today(h.Cfg.Location())
	f := store.FeeListFilter{Day: today, State: c.Query("state"), Status: c.Query("status"), Search: c.Query("q"),
		Limit: feesPerPage, Offset: pageOffset(page, feesPerPage)}
	switch f.State {
	case "", model.FeeUpToDate, model.FeeExpired, model.FeeNever:
	default:
		f.State = ""
	}
	switch f.Status {
	case "", model.StatusPending, model.StatusMember, model.StatusNotMember:
	default:
		f.Status = ""
	}
	ctx := c.UserContext()
	rows, total, err := h.Store.ListMemberFees(ctx, f)
	if err != nil {
		return err
	}
	counts, err := h.Store.CountFeeStates(ctx, today)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "fees.title"), views.FeeList(views.FeeListData{Rows: rows,
		Total: total, Counts: counts, Filter: f, Page: page, PerPage: feesPerPage}))
}
