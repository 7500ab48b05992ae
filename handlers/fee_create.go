package handlers

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/fees"
	"coin/i18n"
	"coin/store"
	"coin/views"
)

// memberFeesData gathers the fee section of a member's page.
func (h *Handler) memberFeesData(ctx context.Context, m *store.Member) (*views.MemberFeesData, error) {
	list, err := h.Store.MembershipFeesOfMember(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	reminders, err := h.Store.FeeRemindersOfMember(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	today := date.Today(h.Cfg.Location())
	return &views.MemberFeesData{MemberID: m.ID, Status: fees.StatusOf(list, today), Fees: list,
		Reminders: reminders, Form: h.Fees.NewForm(list, today, i18n.From(ctx).AmountInput)}, nil
}

// feeCreate records a membership fee for a member (treasurer, admin).
func (h *Handler) feeCreate(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	f := fees.Form{Amount: c.FormValue("amount"), StartDate: c.FormValue("start_date"),
		EndDate: c.FormValue("end_date"), PaymentMethod: c.FormValue("payment_method"),
		PaymentDate: c.FormValue("payment_date"), Reference: c.FormValue("reference")}
	by := user(c).ID
	_, errs, err := h.Fees.Record(c.UserContext(), m.ID, &by, user(c).Login, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		d, err := h.memberFeesData(c.UserContext(), m)
		if err != nil {
			return err
		}
		d.Form, d.Errs = f, errs
		if hxTarget(c) == "fee-form" {
			return h.partial(c, fiber.StatusUnprocessableEntity, views.FeeForm(*d))
		}
		return h.page(c, fiber.StatusUnprocessableEntity, m.DisplayName(),
			views.MemberDetail(views.MemberDetailData{Member: m, Fees: d}))
	}
	h.flash(c, "fees.recorded", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d", m.ID))
}

// feeDelete removes one of the member's fees; a fee of another member is
// not found.
func (h *Handler) feeDelete(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	var feeID int64
	if _, err := fmt.Sscan(c.Params("fee"), &feeID); err != nil {
		return fiber.ErrNotFound
	}
	if err := h.Fees.Delete(c.UserContext(), m.ID, feeID, user(c).Login); err != nil {
		return err
	}
	h.Log.Info("membership fee deleted", "member", m.ID, "fee", feeID, "by", user(c).ID)
	h.flash(c, "fees.deleted", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d", m.ID))
}

// canSeeFees tells whether the staff member sees members' fees.
func canSeeFees(c *fiber.Ctx) bool { return auth.Can(user(c).Role, auth.ViewMemberBilling) }
