package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// assetURL is the versioned URL of an asset, for views.
func (h *Handler) assetURL(name string) string {
	return h.Cfg.URL("/assets/" + h.Assets.Path(name))
}

// asset serves an embedded file. The URL carries the content hash, so a
// matching request may be cached for a year; an old hash still gets the
// current file, but only briefly cached.
func (h *Handler) asset(c *fiber.Ctx) error {
	a := h.Assets.Get(c.Params("*"))
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
