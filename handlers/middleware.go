package handlers

import (
	"context"
	"fmt"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/i18n"
	"coin/store"
	"coin/store/sqlcount"
	"coin/views"
)

const (
	sessionCookie = "coin_session"
	csrfCookie    = "coin_csrf"
	langCookie    = "coin_lang"
	flashCookie   = "coin_flash"
	csrfFailure   = "csrf"
)

type preparedKey struct{}

// queryCountHeader carries the number of SQL statements of the request when
// server.query_count_header is on (the load benchmark reads it).
const queryCountHeader = "X-Coin-Queries"

// recover turns a panic into a 500 page and a log line with the stack.
func (h *Handler) recover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			h.Log.Error("panic", "route", c.Route().Path, "panic", r, "stack", string(debug.Stack()))
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

// logRequests writes one structured line per request.
func (h *Handler) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	// Every statement the request runs is counted (store/sqlcount): the log
	// line tells a page that went N+1.
	ctx, queries := sqlcount.With(c.UserContext())
	c.SetUserContext(ctx)
	err := c.Next()
	if h.Cfg.Server.QueryCountHeader {
		c.Set(queryCountHeader, strconv.FormatInt(queries.N(), 10))
	}
	status := c.Response().StatusCode()
	if err != nil {
		if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		} else {
			status = fiber.StatusInternalServerError
		}
	}
	// The route's pattern, not the path: paths carry secrets
	// (/password-reset/<token>) that the database itself keeps only hashed.
	attrs := []any{"method", c.Method(), "route", c.Route().Path, "status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "queries", queries.N(), "ip", h.clientIP(c)}
	if m, ok := c.Locals("user").(*store.Member); ok {
		attrs = append(attrs, "member", m.ID)
	}
	h.Log.Info("request", attrs...)
	return err
}

// contentSecurityPolicy allows only our own scripts and styles: no inline
// code, no eval. Images may come from https (an ISP's logo URL).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: https:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'self'; object-src 'none'"

func (h *Handler) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if h.Cfg.BehindTLS() {
		c.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

func (h *Handler) cookiePath() string {
	if h.Cfg.Server.BasePath == "" {
		return "/"
	}
	return h.Cfg.Server.BasePath
}

// cookieName prefixes name over TLS: __Host- (secure, this host only, path
// /) when coin is at the root, __Secure- below a base path.
func (h *Handler) cookieName(name string) string {
	switch {
	case !h.Cfg.BehindTLS():
		return name
	case h.cookiePath() == "/":
		return "__Host-" + name
	}
	return "__Secure-" + name
}

func (h *Handler) cookie(c *fiber.Ctx, name string) string { return c.Cookies(h.cookieName(name)) }

func (h *Handler) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: h.cookieName(name), Value: value, Path: h.cookiePath(), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Cfg.BehindTLS()}
	if maxAge > 0 {
		ck.Expires = time.Now().Add(maxAge)
		ck.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	}
	c.Cookie(ck)
}

// loadSession finds the signed-in member, if any, and keeps the session
// alive while it is used.
func (h *Handler) loadSession(c *fiber.Ctx) error {
	token := h.cookie(c, sessionCookie)
	if token == "" {
		return c.Next()
	}
	hash := auth.HashToken(token)
	m, sess, err := h.Store.SessionMember(c.UserContext(), hash, time.Now().Add(-auth.SessionMaxAge))
	if err != nil {
		h.setCookie(c, sessionCookie, "", -1)
		return c.Next()
	}
	c.Locals("user", m)
	c.Locals("session", hash)
	// What the request writes is audited under this account and address.
	c.SetUserContext(store.WithActor(c.UserContext(), store.Actor{ID: m.ID, Name: m.Login, IP: h.clientIP(c)}))
	if time.Since(sess.LastSeenAt) > 5*time.Minute {
		if err := h.Accounts.KeepAlive(c.UserContext(), hash, h.Cfg.Server.SessionLifetime); err != nil {
			h.Log.Warn("touch session", "err", err)
		}
	}
	return c.Next()
}

// csrf demands, on every unsafe method, a token (form field _csrf or
// X-CSRF-Token header) bound to the session when signed in, and to a random
// cookie before that. A cookie planted from elsewhere (a sibling subdomain,
// plain HTTP on the way) gives nothing: the server never hands out the token
// of a session it did not open, the anonymous token only serves the sign-in
// forms and is replaced at sign-in, and over TLS the cookies carry the
// __Host- prefix that other hosts cannot set.
func (h *Handler) csrf(c *fiber.Ctx) error {
	cookie := h.cookie(c, csrfCookie)
	if len(cookie) < 32 {
		cookie = auth.NewToken()
		h.setCookie(c, csrfCookie, cookie, 365*24*time.Hour)
	}
	binding := "c:" + cookie
	if sess, ok := c.Locals("session").(string); ok {
		binding = "s:" + sess
	}
	c.Locals("csrf", auth.CSRFToken(h.secret, binding))
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	submitted := c.Get("X-CSRF-Token")
	if submitted == "" {
		submitted = c.FormValue("_csrf")
	}
	if !auth.CheckCSRF(h.secret, binding, submitted) {
		h.Log.Warn("csrf check failed", "route", c.Route().Path, "ip", h.clientIP(c))
		return fiber.NewError(fiber.StatusForbidden, csrfFailure)
	}
	return c.Next()
}

// rotateCSRF replaces the anonymous CSRF cookie (at sign-in and sign-out).
func (h *Handler) rotateCSRF(c *fiber.Ctx) {
	h.setCookie(c, csrfCookie, auth.NewToken(), 365*24*time.Hour)
}

// prepare picks the language and builds the views' Env.
func (h *Handler) prepare(c *fiber.Ctx) error {
	h.prepareContext(c)
	return c.Next()
}

func (h *Handler) prepareContext(c *fiber.Ctx) {
	user, _ := c.Locals("user").(*store.Member)
	choice := h.cookie(c, langCookie)
	if user != nil && user.Language != "" {
		choice = user.Language
	}
	lang := i18n.Negotiate(choice, c.Get(fiber.HeaderAcceptLanguage), h.Cfg.Server.DefaultLanguage)
	locale := h.Catalog.Locale(lang, h.Cfg.Location(), h.currency())
	ctx := i18n.With(c.UserContext(), locale)
	csrfToken, _ := c.Locals("csrf").(string)
	env := &views.Env{
		Base:   h.Cfg.Server.BasePath,
		Path:   strings.TrimPrefix(c.Path(), h.Cfg.Server.BasePath),
		CSRF:   csrfToken,
		User:   user,
		Demo:   h.Cfg.Demo,
		Lang:   lang,
		Today:  date.Today(h.Cfg.Location()),
		Assets: h.assetURL,
		Features: views.Features{
			Signup:    h.Cfg.Members.RegistrationOpen,
			Hardware:  h.Cfg.Hardware.Enabled,
			Maillists: h.Cfg.Maillists.Enabled,
		},
	}
	if env.Path == "" {
		env.Path = "/"
	}
	if h.Site != nil {
		env.Site = h.Site(ctx)
	}
	if f := h.cookie(c, flashCookie); f != "" && c.Method() == fiber.MethodGet {
		env.Flash, env.FlashErr = decodeFlash(f)
		h.setCookie(c, flashCookie, "", -1)
	}
	ctx = views.WithEnv(ctx, env)
	ctx = context.WithValue(ctx, preparedKey{}, true)
	c.SetUserContext(ctx)
}

func (h *Handler) currency() string { return "EUR" }

// user returns the signed-in member (nil when signed out).
func user(c *fiber.Ctx) *store.Member {
	m, _ := c.Locals("user").(*store.Member)
	return m
}

// signedIn sends visitors to the sign-in page, then back.
func (h *Handler) signedIn(c *fiber.Ctx) error {
	if user(c) == nil {
		next := c.OriginalURL()
		return h.redirect(c, "/login?next="+url.QueryEscape(next))
	}
	return c.Next()
}

// require lets through only members whose role holds permission p: others
// get 403, visitors the sign-in page.
func (h *Handler) require(p auth.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		m := user(c)
		if m == nil {
			return h.signedIn(c)
		}
		if !auth.Can(m.Role, p) {
			return fiber.ErrForbidden
		}
		return c.Next()
	}
}

// feature answers 404 for the routes of an optional part that is turned off.
func (h *Handler) feature(enabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !enabled {
			return fiber.ErrNotFound
		}
		return c.Next()
	}
}

// flash leaves a one-time notice (message id) for the next page.
func (h *Handler) flash(c *fiber.Ctx, id string, isErr bool) {
	v := "ok:" + id
	if isErr {
		v = "err:" + id
	}
	h.setCookie(c, flashCookie, v, time.Minute)
}

func decodeFlash(v string) (string, bool) {
	kind, id, ok := strings.Cut(v, ":")
	if !ok || !validMessageID(id) {
		return "", false
	}
	return id, kind == "err"
}

// validMessageID keeps a cookie from naming anything but a message id.
func validMessageID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

func (h *Handler) tr(c *fiber.Ctx, id string) string { return i18n.T(c.UserContext(), id) }

func (h *Handler) trf(c *fiber.Ctx, id string, data map[string]any) string {
	return i18n.Tf(c.UserContext(), id, data)
}

// idParam reads the :id route parameter (routes constrain it to digits).
func idParam(c *fiber.Ctx) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(c.Params("id"), &id); err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
