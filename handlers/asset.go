package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// assetURL is the versioned URL of an asset, for views.
func (h *Handler) assetURL(name string) string {
	return h.Cfg.URL("/assets/" + h.Assets.Path(name))
}

// sendHashed sends a file whose URL carries its content hash (the :hash
// route parameter): a request with the current hash may be cached for a
// year, an old hash still gets the current file but only briefly cached.
// The hash is also the ETag, and a request that has it gets a 304.
func sendHashed(c *fiber.Ctx, hash, contentType string, body []byte) error {
	if c.Params("hash") == hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	}
	etag := `"` + hash + `"`
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Send(body)
}

// asset serves an embedded file, under its content hash.
func (h *Handler) asset(c *fiber.Ctx) error {
	a := h.Assets.Get(c.Params("*"))
	if a == nil {
		return fiber.ErrNotFound
	}
	return sendHashed(c, a.Hash, a.ContentType, a.Body)
}
