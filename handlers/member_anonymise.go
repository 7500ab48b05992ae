package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/member"
	"coin/store"
	"coin/views"
)

func (h *Handler) memberAnonymisePage(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "members.anonymise_title"), views.MemberAnonymiseConfirm(m))
}

// memberAnonymise erases a member's personal data (admins); invoices,
// payments and the ledger stay.
func (h *Handler) memberAnonymise(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	back := "/admin/members/" + c.Params("id")
	switch err := h.Members.Anonymise(c.UserContext(), m, user(c), date.Today(h.Cfg.Location())); {
	case errors.Is(err, member.ErrDeleteSelf):
		h.flash(c, "members.cannot_delete_self", true)
	case errors.Is(err, member.ErrRunning):
		h.flash(c, "members.anonymise_running", true)
	case errors.Is(err, store.ErrAnonymised):
		h.flash(c, "members.anonymised_already", true)
	case err != nil:
		return err
	default:
		h.flash(c, "members.anonymised", false)
	}
	return h.redirect(c, back)
}
