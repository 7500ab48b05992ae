package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/ispdb"
)

// ispJSON serves the ISP's record to db.ffdn.org as its crawler expects:
// JSON in UTF-8, an expiry, an ETag and a Last-Modified with 304 answers to
// conditional requests, and open to every origin (CORS) for maps and tools
// that read it from a browser.
func (h *Handler) ispJSON(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderAccessControlExposeHeaders, "ETag, Last-Modified")
	p, err := h.ISP.Publish(c.UserContext())
	if errors.Is(err, ispdb.ErrNotReady) {
		return jsonError(c, fiber.StatusNotFound, err.Error())
	}
	if err != nil {
		h.Log.Error("publish isp.json", "err", err)
		return jsonError(c, fiber.StatusServiceUnavailable, "temporarily unavailable")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age="+strconv.Itoa(int(h.Cfg.ISPDB.MaxAge.Seconds())))
	c.Set(fiber.HeaderETag, p.ETag)
	c.Set(fiber.HeaderLastModified, p.LastModified.UTC().Format(http.TimeFormat))
	if notModified(c, p.ETag, p.LastModified) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
	return c.Send(p.Body)
}

// jsonError answers a JSON client with a status and a reason, uncached.
func jsonError(c *fiber.Ctx, status int, reason string) error {
	body, err := json.Marshal(map[string]string{"error": reason})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
	return c.Status(status).Send(body)
}

// ispJSONPreflight answers CORS preflight requests for /isp.json.
func (h *Handler) ispJSONPreflight(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, HEAD, OPTIONS")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "If-None-Match, If-Modified-Since")
	c.Set(fiber.HeaderAccessControlMaxAge, "86400")
	return c.SendStatus(fiber.StatusNoContent)
}

// notModified applies If-None-Match, or, without it, If-Modified-Since
// (RFC 9110 §13.2.2).
func notModified(c *fiber.Ctx, etag string, modified time.Time) bool {
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
		return false
	}
	if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}
