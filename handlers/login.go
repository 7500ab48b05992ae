package handlers

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"coin/account"
	"coin/auth"
	"coin/views"
)

func (h *Handler) loginPage(c *fiber.Ctx) error {
	if user(c) != nil {
		return h.redirect(c, "/")
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "login.title"), views.Login(views.LoginData{Next: c.Query("next")}))
}

func (h *Handler) login(c *fiber.Ctx) error {
	login, password, next := c.FormValue("login"), c.FormValue("password"), c.FormValue("next")
	m, token, err := h.Accounts.Login(c.UserContext(), login, password, h.clientIP(c), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		status, msg := fiber.StatusUnauthorized, "login.failed"
		switch {
		case errors.Is(err, account.ErrThrottled):
			status, msg = fiber.StatusTooManyRequests, "login.throttled"
		case errors.Is(err, auth.ErrBusy):
			status, msg = fiber.StatusServiceUnavailable, "login.busy"
			c.Set(fiber.HeaderRetryAfter, "5")
		case errors.Is(err, account.ErrNotVerified):
			status, msg = fiber.StatusForbidden, "login.not_verified"
		case !errors.Is(err, account.ErrBadCredentials):
			return err
		}
		return h.page(c, status, h.tr(c, "login.title"), views.Login(views.LoginData{Login: login, Next: next, Error: msg}))
	}
	h.setCookie(c, sessionCookie, token, h.Cfg.Server.SessionLifetime)
	h.rotateCSRF(c)
	if m.Language != "" {
		h.setCookie(c, langCookie, m.Language, 365*24*time.Hour)
	}
	return h.redirect(c, h.safeNext(next, m.IsStaff()))
}

// safeNext keeps the post-login destination inside the application: only
// local paths below the base path are followed.
func (h *Handler) safeNext(next string, staff bool) string {
	base := h.Cfg.Server.BasePath
	// Browsers drop tabs and newlines from a Location ("/\t/evil" becomes
	// "//evil"): a destination holding any control character or space is
	// not followed.
	plain := !strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f || unicode.IsSpace(r) })
	if plain && strings.HasPrefix(next, base+"/") && !strings.HasPrefix(next, "//") &&
		!strings.Contains(next, "\\") && !strings.HasPrefix(strings.TrimPrefix(next, base), "//") {
		if u, err := url.Parse(next); err == nil && u.Scheme == "" && u.Host == "" {
			return strings.TrimPrefix(next, base)
		}
	}
	if staff {
		return "/admin/"
	}
	return "/"
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if token := h.cookie(c, sessionCookie); token != "" {
		if err := h.Accounts.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	h.setCookie(c, sessionCookie, "", -1)
	h.rotateCSRF(c)
	h.flash(c, "logout.done", false)
	return h.redirect(c, "/login")
}
