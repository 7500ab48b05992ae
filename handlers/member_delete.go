package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

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
	if m.ID == user(c).ID {
		h.flash(c, "members.cannot_delete_self", true)
		return h.redirect(c, "/admin/members/"+c.Params("id"))
	}
	if err := h.Fees.DeleteMember(c.UserContext(), m.ID, user(c).Login); errors.Is(err, store.ErrInUse) {
		h.flash(c, "members.in_use", true)
		return h.redirect(c, "/admin/members/"+c.Params("id"))
	} else if err != nil {
		return err
	}
	h.Log.Info("member deleted", "member", m.ID, "login", m.Login, "by", user(c).ID)
	h.flash(c, "members.deleted", false)
	return h.redirect(c, "/admin/members")
}
