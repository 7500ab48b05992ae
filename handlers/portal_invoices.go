package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/model"
	"coin/store"
	"coin/views"
)

// portalBilling gathers what the member owes and their invoices.
func (h *Handler) portalBilling(c *fiber.Ctx) (views.PortalBilling, error) {
	ctx := c.UserContext()
	m := user(c)
	var d views.PortalBilling
	var err error
	if d.Open, d.Debits, err = h.Store.OpenInvoicesAndDebits(ctx, m.ID); err != nil {
		return d, err
	}
	d.ShowCredit = h.Cfg.Billing.HandleBalance
	// What is owed is the open invoices' remainder; the credit, shown only
	// when the balance is handled, takes the member's payments (one query
	// less on every home page otherwise).
	if d.ShowCredit {
		if d.Balance, err = h.Store.MemberBalance(ctx, m.ID); err != nil {
			return d, err
		}
	} else {
		for _, inv := range d.Open {
			d.Balance.OwedCents += inv.Remaining()
		}
	}
	// Suspended for arrears means owing: once paid, the subscriptions come
	// back (and the notice would say to pay what is not owed).
	if len(d.Open) > 0 {
		if d.SuspendedForArrears, err = h.Store.SuspendedForArrears(ctx, m.ID); err != nil {
			return d, err
		}
	}
	if h.Stripe != nil {
		d.CardPay = true
		if d.Balance.OwedCents == 0 {
			due, err := h.Stripe.DueOf(ctx, m)
			if err != nil {
				return d, err
			}
			d.FeeCents = due.FeeCents
		}
	}
	return d, nil
}

func (h *Handler) portalInvoices(c *fiber.Ctx) error {
	d, err := h.portalBilling(c)
	if err != nil {
		return err
	}
	if d.All, _, err = h.Store.ListInvoices(c.UserContext(), store.InvoiceFilter{MemberID: user(c).ID,
		Status: model.InvoiceValidated, NoTotals: true}); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "portal.invoices"), views.PortalInvoices(d))
}

// portalInvoiceShow is one of the member's own invoices; anyone else's (or
// a draft) is a 404.
func (h *Handler) portalInvoiceShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	inv, err := h.Store.MemberInvoice(ctx, user(c).ID, id)
	if err != nil {
		return err
	}
	d := views.InvoiceDetailData{Invoice: inv}
	if d.Lines, err = h.Store.InvoiceLines(ctx, id); err != nil {
		return err
	}
	if d.Allocations, err = h.Store.InvoiceAllocations(ctx, id); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, inv.Number, views.PortalInvoice(d))
}

// portalInvoicePDF sends one of the member's own invoices; anyone else's
// (or a draft) is a 404.
func (h *Handler) portalInvoicePDF(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inv, err := h.Store.MemberInvoice(c.UserContext(), user(c).ID, id)
	if err != nil {
		return err
	}
	return h.sendPDF(c, inv)
}
