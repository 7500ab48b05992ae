package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

func (h *Handler) passwordChangePage(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, h.tr(c, "password.title"), views.ChangePassword(nil))
}

func (h *Handler) passwordChange(c *fiber.Ctx) error {
	token, errs, err := h.Accounts.ChangePassword(c.UserContext(), user(c), c.FormValue("current"),
		c.FormValue("password"), c.FormValue("confirm"), h.clientIP(c), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "password.title"), views.ChangePassword(errs))
	}
	// Every other session was closed; this browser carries on in a new one.
	h.setCookie(c, sessionCookie, token, h.Cfg.Server.SessionLifetime)
	h.flash(c, "password.changed", false)
	return h.redirect(c, "/profile")
}
