package handlers

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/form"
	"coin/hardware"
	"coin/store"
	"coin/views"
)

// itemLend lends an item to a member, from the inventory row (htmx swaps
// the row) or from the item page.
func (h *Handler) itemLend(c *fiber.Ctx) error {
	ctx := c.UserContext()
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	f := hardware.LoanForm{MemberLogin: c.FormValue("member"), StartDate: c.FormValue("start_date"), Notes: c.FormValue("notes")}
	l := &store.Loan{ItemID: it.ID}
	today := date.Today(h.Cfg.Location())
	errs := f.Validate(today, h.memberIDByLogin(ctx), l)
	if !errs.Any() {
		err = h.Store.LendItem(ctx, l)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs = form.Errors{"member": "hardware.err.already_lent"}
		case errors.Is(err, store.ErrItemDeployed):
			errs = form.Errors{"member": "hardware.err.lend_deployed"}
		case err != nil:
			return err
		}
	}
	row := hxTarget(c) == fmt.Sprintf("item-%d", it.ID)
	if errs.Any() {
		if row {
			it, err = h.Store.ItemByID(ctx, it.ID)
			if err != nil {
				return err
			}
			return h.partial(c, fiber.StatusUnprocessableEntity, views.InventoryRow(it, errs))
		}
		if it, err = h.Store.ItemByID(ctx, it.ID); err != nil {
			return err
		}
		return h.itemPage(c, fiber.StatusUnprocessableEntity, views.ItemData{Item: it, Lend: f, Errs: errs})
	}
	h.Log.Info("item lent", "item", it.ID, "member", l.MemberID, "by", user(c).ID)
	if row {
		return h.itemRow(c, it.ID)
	}
	h.flash(c, "hardware.lent", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}

// itemReturn takes an item back today, in one click.
func (h *Handler) itemReturn(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	row := hxTarget(c) == fmt.Sprintf("item-%d", id)
	l, err := h.Store.ReturnItem(c.UserContext(), id, date.Today(h.Cfg.Location()))
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Already back (another volunteer was quicker), or no such item.
		if _, err := h.Store.ItemByID(c.UserContext(), id); err != nil {
			return err
		}
		if row {
			return h.itemRow(c, id)
		}
		h.flash(c, "hardware.err.not_lent", true)
		return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", id))
	case err != nil:
		return err
	}
	h.Log.Info("item taken back", "item", id, "member", l.MemberID, "by", user(c).ID)
	if row {
		return h.itemRow(c, id)
	}
	h.flash(c, "hardware.returned", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", id))
}

// itemRow answers htmx with the fresh inventory row of an item.
func (h *Handler) itemRow(c *fiber.Ctx, id int64) error {
	it, err := h.Store.ItemByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.InventoryRow(it, nil))
}

func (h *Handler) loanFromParam(c *fiber.Ctx) (*store.Loan, *store.Item, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, nil, err
	}
	l, err := h.Store.LoanByID(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	it, err := h.Store.ItemByID(c.UserContext(), l.ItemID)
	return l, it, err
}

func (h *Handler) loanEditPage(c *fiber.Ctx) error {
	l, it, err := h.loanFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, it.Designation, views.LoanFormPage(views.LoanFormData{Loan: l, Item: it,
		StartDate: l.StartDate.String(), EndDate: l.EndDate.String(), Notes: l.Notes}))
}

// loanEdit corrects the dates or notes of a loan.
func (h *Handler) loanEdit(c *fiber.Ctx) error {
	l, it, err := h.loanFromParam(c)
	if err != nil {
		return err
	}
	d := views.LoanFormData{Loan: l, Item: it, StartDate: trimmed(c, "start_date"), EndDate: trimmed(c, "end_date"),
		Notes: trimmed(c, "notes"), Errs: form.Errors{}}
	d.Errs.Required("start_date", d.StartDate)
	start := d.Errs.Date("start_date", d.StartDate)
	end := d.Errs.Date("end_date", d.EndDate)
	d.Errs.MaxLen("notes", d.Notes, 2000)
	today := date.Today(h.Cfg.Location())
	if start.After(today) {
		d.Errs.Add("start_date", "hardware.err.start_in_future")
	}
	if !end.IsZero() && end.Before(start) {
		d.Errs.Add("end_date", "hardware.err.end_before_start")
	}
	if !d.Errs.Any() {
		l.StartDate, l.EndDate, l.Notes = start, end, d.Notes
		err = h.Store.UpdateLoan(c.UserContext(), l)
		if errors.Is(err, store.ErrConflict) {
			d.Errs.Add("end_date", "hardware.err.reopen_lent")
		} else if err != nil {
			return err
		}
	}
	if d.Errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, it.Designation, views.LoanFormPage(d))
	}
	h.flash(c, "hardware.loan_saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}
