package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/account"
	"coin/views"
)

func (h *Handler) passwordResetRequestPage(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, h.tr(c, "reset.title"), views.PasswordResetRequest(false))
}

// passwordResetRequest always answers the same way, whether the login or
// address exists or not.
func (h *Handler) passwordResetRequest(c *fiber.Ctx) error {
	err := h.Accounts.RequestPasswordReset(c.UserContext(), c.FormValue("who"), h.clientIP(c))
	if errors.Is(err, account.ErrThrottled) {
		return fiber.ErrTooManyRequests
	}
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "reset.title"), views.PasswordResetRequest(true))
}

func (h *Handler) passwordResetPage(c *fiber.Ctx) error {
	token := c.Params("token")
	valid := h.Accounts.ResetPasswordTokenValid(c.UserContext(), token)
	status := fiber.StatusOK
	if !valid {
		status = fiber.StatusNotFound
	}
	return h.page(c, status, h.tr(c, "reset.choose_title"), views.PasswordResetForm(token, valid, nil))
}

func (h *Handler) passwordReset(c *fiber.Ctx) error {
	token := c.Params("token")
	errs, err := h.Accounts.ResetPassword(c.UserContext(), token, c.FormValue("password"), c.FormValue("confirm"))
	if errors.Is(err, account.ErrBadToken) {
		return h.page(c, fiber.StatusNotFound, h.tr(c, "reset.choose_title"), views.PasswordResetForm(token, false, nil))
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "reset.choose_title"), views.PasswordResetForm(token, true, errs))
	}
	h.flash(c, "reset.done", false)
	return h.redirect(c, "/login")
}
