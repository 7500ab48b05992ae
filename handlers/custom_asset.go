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
	if c.Params("hash") == a.Hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	}
	etag := `"` + a.Hash + `"`
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	return c.Send(a.Body)
}
