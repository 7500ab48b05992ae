package handlers

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/date"
	"coin/i18n"
	"coin/register"
	"coin/store"
	"coin/views"
)

// registerParams reads the year (this year by default, within a century)
// and whether every account is listed.
func (h *Handler) registerParams(c *fiber.Ctx) (year int, all bool, today date.Date) {
	today = date.Today(h.Cfg.Location())
	year = today.Time().Year()
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y > year-100 && y <= year+1 {
		year = y
	}
	return year, c.Query("all") == "1", today
}

func (h *Handler) registerPage(c *fiber.Ctx) error {
	year, all, today := h.registerParams(c)
	rows, err := register.Rows(c.UserContext(), h.Store, year, all)
	if err != nil {
		return err
	}
	d := views.RegisterData{Year: year, All: all}
	for y := today.Time().Year(); y > today.Time().Year()-10; y-- {
		d.Years = append(d.Years, y)
	}
	l := i18n.From(c.UserContext())
	for _, r := range rows {
		d.Rows = append(d.Rows, views.RegisterRow{Member: r.Member, Paid: r.Paid(), Until: l.Date(r.PaidUntil)})
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "register.title"), views.RegisterPage(d))
}

func (h *Handler) registerCSV(c *fiber.Ctx) error {
	year, all, _ := h.registerParams(c)
	rows, err := register.Rows(c.UserContext(), h.Store, year, all)
	if err != nil {
		return err
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.register_csv", "", nil, store.Change{Field: "year", New: strconv.Itoa(year)}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := register.WriteCSV(&buf, i18n.From(c.UserContext()), year, rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="register-`+strconv.Itoa(year)+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (h *Handler) registerPDF(c *fiber.Ctx) error {
	year, all, today := h.registerParams(c)
	rows, err := register.Rows(c.UserContext(), h.Store, year, all)
	if err != nil {
		return err
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.register_pdf", "", nil, store.Change{Field: "year", New: strconv.Itoa(year)}); err != nil {
		return err
	}
	pdf, err := register.PDF(i18n.From(c.UserContext()), h.Site(c.UserContext()).Name, year, today, rows)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="register-`+strconv.Itoa(year)+`.pdf"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf)
}
