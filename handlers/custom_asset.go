package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// customAsset serves a file of the overrides folder's assets/ (custom.css,
// a logo, what they use), under the hash of its current content, re-read
// when it changes on disk.
func (h *Handler) customAsset(c *fiber.Ctx) error {
	a, err := h.Templates.Asset(c.Params("*"))
	if err != nil {
		h.Log.Error("override asset", "err", err)
	}
	if a == nil {
		return fiber.ErrNotFound
	}
	return sendHashed(c, a.Hash, a.ContentType, a.Body)
}
