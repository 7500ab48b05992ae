package handlers

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/csvsafe"
	"coin/date"
	"coin/model"
	"coin/money"
	"coin/store"
	"coin/views"
)

const invoicesPerPage = 50

// invoiceFilter reads the list filters; unknown values are dropped.
func (h *Handler) invoiceFilter(c *fiber.Ctx) (store.InvoiceFilter, url.Values) {
	return h.invoiceFilterOf(func(key string, _ ...string) string { return c.Query(key) })
}

// invoiceFilterOf reads the invoice list's filters from the query string or
// a form (value gives a parameter's value).
func (h *Handler) invoiceFilterOf(value func(key string, def ...string) string) (store.InvoiceFilter, url.Values) {
	q := url.Values{}
	f := store.InvoiceFilter{Search: value("q")}
	if f.Search != "" {
		q.Set("q", f.Search)
	}
	switch s := value("status"); s {
	case "draft", "open", "paid", "validated":
		f.Status = s
		q.Set("status", s)
	}
	switch k := value("kind"); k {
	case model.KindInvoice, model.KindCreditNote:
		f.Kind = k
		q.Set("kind", k)
	}
	if d, err := date.Parse(value("from")); err == nil && !d.IsZero() {
		f.From = d
		q.Set("from", d.String())
	}
	if d, err := date.Parse(value("to")); err == nil && !d.IsZero() {
		f.To = d
		q.Set("to", d.String())
	}
	if value("overdue") == "1" {
		f.Overdue = date.Today(h.Cfg.Location())
		q.Set("overdue", "1")
	}
	return f, q
}

func (h *Handler) invoiceList(c *fiber.Ctx) error {
	f, q := h.invoiceFilter(c)
	page := pageParam(c)
	f.Limit, f.Offset = invoicesPerPage, pageOffset(page, invoicesPerPage)
	invs, totals, err := h.Store.ListInvoices(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "invoices.title"), views.InvoiceList(views.InvoiceListData{
		Invoices: invs, Totals: totals, Query: q, Page: page, PerPage: invoicesPerPage}))
}

// invoiceCSV exports the filtered invoices for a spreadsheet or an accountant.
func (h *Handler) invoiceCSV(c *fiber.Ctx) error {
	f, _ := h.invoiceFilter(c)
	invs, _, err := h.Store.ListInvoices(c.UserContext(), f)
	if err != nil {
		return err
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.invoices_csv", "", nil,
		store.Change{Field: "count", New: strconv.Itoa(len(invs))}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="invoices.csv"`)
	w := csvsafe.NewWriter(c.Response().BodyWriter())
	w.Write([]string{"number", "kind", "status", "member_login", "member_name", "issue_date", "due_date",
		"total_excl_tax", "tax", "total", "paid", "remaining", "currency"})
	for _, i := range invs {
		w.Write([]string{i.Number, i.Kind, i.Status, i.MemberLogin, i.MemberName, i.IssueDate.String(),
			i.DueDate.String(), money.Plain(i.TotalExclCents), money.Plain(i.TaxCents), money.Plain(i.TotalCents),
			money.Plain(i.PaidCents), money.Plain(i.Remaining()), h.Cfg.Billing.Currency})
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("invoices csv: %w", err)
	}
	return nil
}
