package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// health answers load balancers and monitoring: 200 when the database
// answers, 503 otherwise.
func (h *Handler) health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := h.Store.Ping(ctx); err != nil {
		h.Log.Error("health check: database", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "error", "database": "unreachable"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": string(h.Store.Dialect())})
}
