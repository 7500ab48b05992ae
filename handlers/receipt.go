package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/receipt"
	"coin/store"
)

// A member asks for a receipt (issued the first time, in their language)
// and gets its PDF; only their own fees and invoices are found.

func (h *Handler) feeReceipt(c *fiber.Ctx) error { return h.issueFeeReceipt(c, receipt.KindFee) }

func (h *Handler) feeTaxReceipt(c *fiber.Ctx) error { return h.issueFeeReceipt(c, receipt.KindTax) }

func (h *Handler) issueFeeReceipt(c *fiber.Ctx, kind string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := h.Receipts.ForFee(c.UserContext(), user(c).ID, id, kind)
	return h.receiptIssued(c, r, err, "/membership")
}

func (h *Handler) invoiceReceipt(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := h.Receipts.ForInvoice(c.UserContext(), user(c).ID, id)
	return h.receiptIssued(c, r, err, fmt.Sprintf("/invoices/%d", id))
}

// receiptIssued sends the member to the receipt's PDF, or back with why not.
func (h *Handler) receiptIssued(c *fiber.Ctx, r *store.Receipt, err error, back string) error {
	switch {
	case errors.Is(err, receipt.ErrNotPaid):
		h.flash(c, "receipt.err.not_paid", true)
		return h.redirect(c, back)
	case errors.Is(err, receipt.ErrNoTaxReceipts):
		h.flash(c, "receipt.err.no_tax", true)
		return h.redirect(c, back)
	case err != nil:
		return err
	}
	// The forms asking for a receipt are not boosted: the PDF is a download.
	return c.Redirect(h.Cfg.URL(fmt.Sprintf("/receipts/%d/pdf", r.ID)), fiber.StatusSeeOther)
}

// receiptPDF answers with one of the member's receipts.
func (h *Handler) receiptPDF(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, pdf, err := h.Store.ReceiptPDF(c.UserContext(), user(c).ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.pdf"`, strings.ReplaceAll(r.Number, `"`, "")))
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.Send(pdf)
}
