package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/demo"
)

// bankDemoStatement sends, in demo mode only, a statement paying some of
// the demo's open invoices, for trying the import.
func (h *Handler) bankDemoStatement(c *fiber.Ctx) error {
	csv, err := demo.Statement(c.UserContext(), h.Store, h.Cfg, date.Today(h.Cfg.Location()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=windows-1252")
	c.Attachment("demo-statement-credit-mutuel.csv")
	return c.Send(csv)
}
