package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/billing"
	"coin/date"
	"coin/form"
	"coin/store"
	"coin/views"
)

func (h *Handler) invoiceDetail(c *fiber.Ctx, status int, id int64, creditErrs form.Errors, creditValues map[string]string, errID string) error {
	ctx := c.UserContext()
	inv, err := h.Store.InvoiceByID(ctx, id)
	if err != nil {
		return err
	}
	d := views.InvoiceDetailData{Invoice: inv, CreditErrs: creditErrs, CreditValue: creditValues, Error: errID}
	if d.Lines, err = h.Store.InvoiceLines(ctx, id); err != nil {
		return err
	}
	if d.Allocations, err = h.Store.InvoiceAllocations(ctx, id); err != nil {
		return err
	}
	if inv.CreditedInvoiceID != nil {
		if d.Credited, err = h.Store.InvoiceByID(ctx, *inv.CreditedInvoiceID); err != nil {
			return err
		}
	}
	title := inv.Number
	if title == "" {
		title = h.tr(c, "invoices.status.draft")
	}
	return h.page(c, status, title, views.InvoiceDetail(d))
}

func (h *Handler) invoiceShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.invoiceDetail(c, fiber.StatusOK, id, nil, nil, "")
}

// sendPDF answers with a stored invoice PDF.
func (h *Handler) sendPDF(c *fiber.Ctx, inv *store.Invoice) error {
	pdf, err := h.Store.InvoicePDF(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.pdf"`, strings.ReplaceAll(inv.Number, `"`, "")))
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.Send(pdf)
}

func (h *Handler) invoicePDF(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inv, err := h.Store.InvoiceByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.sendPDF(c, inv)
}

func (h *Handler) invoiceValidate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	_, err = h.Billing.ValidateDraft(c.UserContext(), id, date.Today(h.Cfg.Location()), user(c).Login)
	switch {
	case errors.Is(err, billing.ErrNothingToValidate):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, nil, nil, "invoices.no_lines")
	case errors.Is(err, billing.ErrTotalNotPositive):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, nil, nil, "invoices.total_not_positive")
	case errors.Is(err, store.ErrChronology):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, nil, nil, "invoices.chronology")
	case errors.Is(err, store.ErrConflict):
		return h.invoiceDetail(c, fiber.StatusConflict, id, nil, nil, "invoices.already_validated")
	case err != nil:
		return err
	}
	h.flash(c, "invoices.validated", false)
	return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", id))
}

func (h *Handler) invoiceDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := h.Billing.DeleteDraft(c.UserContext(), id, user(c).Login); errors.Is(err, store.ErrNotFound) {
		return h.invoiceDetail(c, fiber.StatusConflict, id, nil, nil, "invoices.already_validated")
	} else if err != nil {
		return err
	}
	h.flash(c, "invoices.deleted", false)
	return h.redirect(c, "/admin/invoices")
}

func (h *Handler) invoiceCredit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	values := map[string]string{"amount": c.FormValue("amount"), "label": strings.TrimSpace(c.FormValue("label"))}
	amount, label, errs := billing.CheckCredit(billing.CreditInput{Amount: values["amount"], Label: values["label"]})
	if errs.Any() {
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, errs, values, "")
	}
	cn, err := h.Billing.CreditNote(c.UserContext(), id, amount, label, date.Today(h.Cfg.Location()), user(c).Login)
	switch {
	case errors.Is(err, billing.ErrOverAllocated):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, form.Errors{"amount": "credit.too_much"}, values, "")
	case errors.Is(err, store.ErrChronology):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, nil, values, "invoices.chronology")
	case errors.Is(err, store.ErrConflict):
		return h.invoiceDetail(c, fiber.StatusConflict, id, nil, values, "credit.not_creditable")
	case err != nil:
		return err
	}
	h.flash(c, "credit.created", false)
	return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", cn.ID))
}
