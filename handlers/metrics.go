package handlers

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/metrics"
	"coin/model"
	"coin/store"
	"coin/views"
)

// metrics answers Prometheus: to anyone when metrics.public is on (a
// scraper on a private network), otherwise to an admin, recognised by
// Deps.MetricsAuthorizer (an admin's API token) or by a signed-in admin's
// session cookie (to look at the figures from a browser). The route is
// outside the session middleware, so that a scrape does not get a CSRF
// cookie each time; the session is read here, only when there is one.
func (h *Handler) metrics(c *fiber.Ctx) error {
	if !h.Cfg.Metrics.Public && !(h.MetricsAuthorizer != nil && h.MetricsAuthorizer(c)) && !h.sessionIsAdmin(c) {
		// Both refusals ask for a token: a signed-in member who is no
		// admin is as unknown here as a scraper without one.
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="coin metrics"`)
		c.Set(fiber.HeaderCacheControl, "no-store")
		h.prepareContext(c)
		return h.page(c, fiber.StatusUnauthorized, h.tr(c, "error.title"), views.Error(fiber.StatusUnauthorized, "error.forbidden"))
	}
	body, err := h.Metrics.Render()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, metrics.ContentType)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// sessionIsAdmin tells whether the request carries the session of an admin.
func (h *Handler) sessionIsAdmin(c *fiber.Ctx) bool {
	token := h.cookie(c, sessionCookie)
	if token == "" {
		return false
	}
	m, _, err := h.Store.SessionMember(c.UserContext(), auth.HashToken(token), time.Now().Add(-auth.SessionMaxAge))
	return err == nil && m.Role == model.RoleAdmin
}

// countRequests feeds the request metrics: method, route pattern, status
// and latency of every request. It is the outermost middleware, so that
// the 500 of a panic (turned into an error by recover) is counted too.
func (h *Handler) countRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = errorStatus(err)
	}
	h.Metrics.ObserveRequest(c.Method(), h.routeLabels.label(c, status), status, time.Since(start))
	return err
}

// errorStatus is the status errorHandler answers for err.
func errorStatus(err error) int {
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, store.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, auth.ErrBusy):
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// routeLabels names a request by the pattern of the last route that
// handled it, never by its path (paths carry ids and tokens, and each
// distinct one would make a series). A request last handled by a group's
// middleware (a refusal or a redirect to the sign-in page from
// /admin/members/…) is named after the group with "/*"; one that matched no
// route is "unmatched". Fiber does not tell a middleware's route from an
// endpoint's (a group's "" and the home page are both "/"), but the
// endpoints are what app.GetRoutes(true) lists: the first request collects
// their handler lists, which the router's routes share.
type routeLabels struct {
	once      sync.Once
	endpoints map[*fiber.Handler]bool
}

func (l *routeLabels) label(c *fiber.Ctx, status int) string {
	l.once.Do(func() {
		l.endpoints = map[*fiber.Handler]bool{}
		for _, r := range c.App().GetRoutes(true) {
			if len(r.Handlers) > 0 {
				l.endpoints[&r.Handlers[0]] = true
			}
		}
	})
	r := c.Route()
	if len(r.Handlers) > 0 && l.endpoints[&r.Handlers[0]] {
		return r.Path
	}
	if status == fiber.StatusNotFound {
		return "unmatched"
	}
	return strings.TrimSuffix(r.Path, "/") + "/*"
}
