package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/accounting"
	"coin/audit"
	"coin/date"
	"coin/form"
	"coin/store"
	"coin/views"
)

// accountingPage proposes the current year so far, from 1 January to today
// (coin knows of no other financial year than the calendar one).
func (h *Handler) accountingPage(c *fiber.Ctx) error {
	today := date.Today(h.Cfg.Location())
	d := views.AccountingData{From: date.New(today.Year(), 1, 1).String(), To: today.String(), Format: "fec",
		Charset: accounting.CharsetLatin9}
	siren, err := h.siren(c)
	if err != nil {
		return err
	}
	d.NoSIREN = siren == ""
	return h.page(c, fiber.StatusOK, h.tr(c, "accounting.title"), views.AccountingPage(d))
}

// accountingExport sends the CSV or FEC of a period.
func (h *Handler) accountingExport(c *fiber.Ctx) error {
	d := views.AccountingData{From: c.Query("from"), To: c.Query("to"), Format: c.Query("format"),
		Charset: c.Query("charset", accounting.CharsetLatin9), Errs: form.Errors{}}
	from := d.Errs.Date("from", d.From)
	to := d.Errs.Date("to", d.To)
	d.Errs.Required("from", d.From)
	d.Errs.Required("to", d.To)
	d.Errs.OneOf("format", d.Format, "csv", "fec")
	d.Errs.OneOf("charset", d.Charset, accounting.Charsets...)
	siren, err := h.siren(c)
	if err != nil {
		return err
	}
	d.NoSIREN = siren == ""
	if !d.Errs.Any() && to.Before(from) {
		d.Errs.Add("to", "accounting.err.range")
	}
	if d.Errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "accounting.title"), views.AccountingPage(d))
	}
	var buf bytes.Buffer
	ctx := c.UserContext()
	name := fmt.Sprintf("coin-%s-%s", from, to)
	// Logged once the file is ready, before it is sent.
	logExport := func(action string) error {
		return audit.Export(ctx, h.Store, action, "", nil, store.Change{Field: "period", New: from.String() + " " + to.String()})
	}
	if d.Format == "fec" {
		// Article A47 A-1 LPF: ASCII, ISO 8859-15 or EBCDIC, and the
		// file named SIREN + FEC + closing date of the period.
		if err := h.Books.WriteFEC(ctx, &buf, from, to); err != nil {
			return err
		}
		body, err := accounting.EncodeFEC(buf.Bytes(), d.Charset)
		var ce *accounting.CharsetError
		if errors.As(err, &ce) {
			d.Errs.AddWith("charset", "accounting.err.fec_charset", map[string]string{
				"Line": strconv.Itoa(ce.Line), "Char": string(ce.Char), "Code": fmt.Sprintf("U+%04X", ce.Char)})
			return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "accounting.title"), views.AccountingPage(d))
		}
		if err != nil {
			return err
		}
		if err := logExport("export.fec"); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/plain; charset="+d.Charset)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+accounting.FECFileName(siren, to)+`"`)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Send(body)
	}
	if err := h.Books.WriteCSV(ctx, &buf, from, to); err != nil {
		return err
	}
	if err := logExport("export.accounting_csv"); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// siren is the SIREN of the ISP record, "" when none is given.
func (h *Handler) siren(c *fiber.Ctx) (string, error) {
	r, err := h.ISP.Record(c.UserContext())
	if err != nil || r == nil {
		return "", err
	}
	return r.SIREN, nil
}
