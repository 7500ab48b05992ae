package handlers

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/form"
	"coin/views"
)

// accountingPage proposes last year, the usual request of an accountant.
func (h *Handler) accountingPage(c *fiber.Ctx) error {
	y := date.Today(h.Cfg.Location()).Year() - 1
	d := views.AccountingData{From: date.New(y, 1, 1).String(), To: date.New(y, 12, 31).String(), Format: "fec"}
	return h.page(c, fiber.StatusOK, h.tr(c, "accounting.title"), views.AccountingPage(d))
}

// accountingExport sends the CSV or FEC of a period.
func (h *Handler) accountingExport(c *fiber.Ctx) error {
	d := views.AccountingData{From: c.Query("from"), To: c.Query("to"), Format: c.Query("format"), Errs: form.Errors{}}
	from := d.Errs.Date("from", d.From)
	to := d.Errs.Date("to", d.To)
	d.Errs.Required("from", d.From)
	d.Errs.Required("to", d.To)
	d.Errs.OneOf("format", d.Format, "csv", "fec")
	if !d.Errs.Any() && to.Before(from) {
		d.Errs.Add("to", "accounting.err.range")
	}
	if d.Errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "accounting.title"), views.AccountingPage(d))
	}
	var buf bytes.Buffer
	ctx := c.UserContext()
	name := fmt.Sprintf("coin-%s-%s", from, to)
	var err error
	if d.Format == "fec" {
		// The administration names the file SIREN + FEC + closing date;
		// coin does not know the SIREN, the accountant renames it.
		err = h.Books.WriteFEC(ctx, &buf, from, to)
		name += "-FEC.txt"
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	} else {
		err = h.Books.WriteCSV(ctx, &buf, from, to)
		name += ".csv"
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
