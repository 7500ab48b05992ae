package handlers

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/member"
)

// myData sends the signed-in member everything coin keeps about them, as
// JSON (GDPR access and portability); only their own data, whoever asks.
func (h *Handler) myData(c *fiber.Ctx) error {
	m := user(c)
	d, err := member.DataOf(c.UserContext(), h.Store, m, time.Now())
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+m.Login+`-data.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}
