package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/member"
	"coin/store"
	"coin/views"
)

func (h *Handler) memberDeletePage(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "common.delete"), views.MemberDeleteConfirm(m))
}

// memberDelete removes a member. One cannot delete one's own account.
func (h *Handler) memberDelete(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	switch err := h.Members.Delete(c.UserContext(), m, user(c)); {
	case errors.Is(err, member.ErrDeleteSelf):
		h.flash(c, "members.cannot_delete_self", true)
		return h.redirect(c, "/admin/members/"+c.Params("id"))
	case errors.Is(err, store.ErrInUse):
		// Invoices and payments are kept by law: anonymising is the way out.
		h.flash(c, "members.in_use_anonymise", true)
		return h.redirect(c, "/admin/members/"+c.Params("id"))
	case err != nil:
		return err
	}
	h.flash(c, "members.deleted", false)
	return h.redirect(c, "/admin/members")
}
