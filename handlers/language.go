package handlers

import (
	"net/url"
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
		if err := h.Members.SetLanguage(c.UserContext(), m.ID, lang); err != nil {
			return err
		}
	}
	return h.redirect(c, h.safeNext(h.currentPage(c), false))
}

// currentPage is the page the form was sent from: the Referer when it is
// ours (after htmx navigations the form's own "next" field still names the
// page first loaded, while the Referer follows the address bar), else the
// form's field.
func (h *Handler) currentPage(c *fiber.Ctx) string {
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" &&
		ref.Host == string(c.Request().Host()) {
		return ref.RequestURI()
	}
	return c.FormValue("next")
}
