package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

func (h *Handler) passwordChangePage(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, h.tr(c, "password.title"), views.ChangePassword(nil))
}

func (h *Handler) passwordChange(c *fiber.Ctx) error {
	errs, err := h.Accounts.ChangePassword(c.UserContext(), user(c), c.FormValue("current"),
		c.FormValue("password"), c.FormValue("confirm"))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "password.title"), views.ChangePassword(errs))
	}
	h.flash(c, "password.changed", false)
	return h.redirect(c, "/profile")
}
