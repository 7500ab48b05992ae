package handlers

import (
	"errors"

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

// bankDemoReturns sends, in demo mode only, the statement crediting the
// last direct debit file with one collection sent back unpaid.
func (h *Handler) bankDemoReturns(c *fiber.Ctx) error {
	xml, err := demo.Returns(c.UserContext(), h.Store, h.Cfg, date.Today(h.Cfg.Location()))
	if errors.Is(err, demo.ErrNoDebitFile) {
		h.flash(c, "bank.demo_returns_none", true)
		return h.redirect(c, "/admin/bank-imports")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Attachment("demo-direct-debit-returns.xml")
	return c.Send(xml)
}
