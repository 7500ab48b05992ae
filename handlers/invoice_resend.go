package handlers

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coin/billing"
)

// invoiceResend queues the invoice's e-mail to its member again.
func (h *Handler) invoiceResend(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	queued, err := h.Billing.ResendInvoice(c.UserContext(), id)
	switch {
	case errors.Is(err, billing.ErrNotSendable):
		return h.invoiceDetail(c, fiber.StatusUnprocessableEntity, id, nil, nil, "invoice.err.not_sendable")
	case err != nil:
		return err
	case !queued:
		h.flash(c, "invoice.resend_no_address", true)
	default:
		h.flash(c, "invoice.resent", false)
	}
	return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", id))
}
