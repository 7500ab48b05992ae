package handlers

import (
	"encoding/json"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

// isHTMX tells whether htmx sent the request (and so wants a fragment). A
// history restore after a cache miss wants the whole page.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// hxTarget is the id of the element htmx will swap ("" for plain requests).
func hxTarget(c *fiber.Ctx) string {
	if !isHTMX(c) {
		return ""
	}
	return c.Get("HX-Target")
}

// page renders content as a whole page, or as the main fragment for htmx.
func (h *Handler) page(c *fiber.Ctx, status int, title string, content templ.Component) error {
	var comp templ.Component
	if isHTMX(c) {
		comp = views.Fragment(title, content, true)
		if c.Method() == fiber.MethodGet && status < 300 {
			c.Set("HX-Push-Url", c.OriginalURL())
		}
	} else {
		comp = views.Page(title, content)
	}
	return h.render(c, status, comp)
}

// partial renders a bare fragment (a table, a form) for htmx.
func (h *Handler) partial(c *fiber.Ctx, status int, comp templ.Component) error {
	return h.render(c, status, comp)
}

func (h *Handler) render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary("HX-Request")
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// redirect sends the browser to an application path after a change: a 303
// for plain forms, an HX-Location for htmx so that the new page replaces
// the main area.
func (h *Handler) redirect(c *fiber.Ctx, path string) error {
	target := h.Cfg.URL(path)
	if isHTMX(c) && c.Method() != fiber.MethodGet {
		loc, _ := json.Marshal(map[string]string{"path": target, "target": "#main"})
		c.Set("HX-Location", string(loc))
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}
