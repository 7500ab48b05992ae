package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/i18n"
)

// setLanguage records the language chosen in the header: in a cookie, and
// on the account of a signed-in member so that e-mails follow it.
func (h *Handler) setLanguage(c *fiber.Ctx) error {
	lang := i18n.Negotiate(c.FormValue("lang"), "", "")
	if lang == "" {
		return fiber.ErrBadRequest
	}
	h.setCookie(c, langCookie, lang, 365*24*time.Hour)
	if m := user(c); m != nil {
		if err := h.Store.SetMemberLanguage(c.UserContext(), m.ID, lang); err != nil {
			return err
		}
	}
	return h.redirect(c, h.safeNext(c.FormValue("next"), false))
}
