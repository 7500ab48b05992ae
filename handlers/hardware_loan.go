package handlers

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

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
	_, errs, err := h.Hardware.Lend(ctx, it.ID, &f, user(c))
	if err != nil {
		return err
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
	_, err = h.Hardware.Return(c.UserContext(), id, user(c))
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
	f := hardware.LoanEditForm{StartDate: c.FormValue("start_date"), EndDate: c.FormValue("end_date"), Notes: c.FormValue("notes")}
	errs, err := h.Hardware.UpdateLoan(c.UserContext(), l, &f, user(c))
	if err != nil {
		return err
	}
	d := views.LoanFormData{Loan: l, Item: it, StartDate: f.StartDate, EndDate: f.EndDate, Notes: f.Notes, Errs: errs}
	if d.Errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, it.Designation, views.LoanFormPage(d))
	}
	h.flash(c, "hardware.loan_saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}
