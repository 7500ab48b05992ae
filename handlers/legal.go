package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

// legal is the public legal notice, from the portal/legal template.
func (h *Handler) legal(c *fiber.Ctx) error {
	env := views.EnvOf(c.UserContext())
	body, err := h.Templates.RenderLang("portal/legal", env.Lang, "html", map[string]any{"Site": env.Site})
	if err != nil {
		h.Log.Error("render legal notice", "err", err)
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "legal.title"), views.LegalPage(body))
}
