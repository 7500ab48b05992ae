package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
)

// Request body limits. The server reads at most formBodyLimit before
// calling a handler (larger bodies are left on the wire, streamed), and
// limitBody refuses them, from the Content-Length alone, unless the route
// is an upload and the signed-in member may use it. Bodies without a length
// (chunked) are refused: browsers always send one for forms.
const (
	formBodyLimit   = 64 << 10
	uploadBodyLimit = 16 << 20
)

// uploadRoutes are the POST routes that take files, with who may send them.
var uploadRoutes = map[string]auth.Permission{
	"/admin/bank-imports": auth.ManageBilling, // bank statements
	"/admin/isp":          auth.ManageISP,     // the ISP record with its coverage files
	"/admin/isp/logo":     auth.ManageISP,
	"/admin/import":       auth.ImportMembers, // another system's CSV export
}

func (h *Handler) limitBody(c *fiber.Ctx) error {
	n := c.Request().Header.ContentLength()
	switch {
	case n == -1:
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusLengthRequired)
	case n <= formBodyLimit:
		return c.Next()
	case n <= uploadBodyLimit && h.mayUpload(c):
		return c.Next()
	}
	c.Context().SetConnectionClose()
	return fiber.ErrRequestEntityTooLarge
}

func (h *Handler) mayUpload(c *fiber.Ctx) bool {
	if c.Method() != fiber.MethodPost {
		return false
	}
	path := strings.TrimSuffix(strings.TrimPrefix(c.Path(), h.Cfg.Server.BasePath), "/")
	p, ok := uploadRoutes[path]
	m := user(c)
	return ok && m != nil && auth.Can(m.Role, p)
}
