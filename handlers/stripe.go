package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/stripepay"
)

// stripeWebhookLimit bounds a webhook's body: Stripe's events are a few KiB.
const stripeWebhookLimit = 64 << 10

// stripeCheckout opens a Stripe Checkout session for what the signed-in
// member owes and sends them to it. A GET, the portal's button and the
// link of reminders: it writes nothing in coin (only a paid session, told
// by the webhook, does), and a form's redirect to Stripe would be blocked
// by the CSP's form-action 'self'.
func (h *Handler) stripeCheckout(c *fiber.Ctx) error {
	if h.Stripe == nil {
		return fiber.ErrNotFound
	}
	target, err := h.Stripe.Checkout(c.UserContext(), user(c),
		h.Cfg.AbsoluteURL("/pay/done"), h.Cfg.AbsoluteURL("/pay/cancelled"))
	if errors.Is(err, stripepay.ErrNothingToPay) {
		h.flash(c, "portal.nothing_owed", false)
		return h.redirect(c, "/invoices")
	}
	if err != nil {
		h.Log.Error("stripe checkout", "member", user(c).ID, "err", err)
		h.flash(c, "cardpay.flash_unavailable", true)
		return h.redirect(c, "/invoices")
	}
	if isHTMX(c) {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// stripeReturn is where Stripe sends the member back: the payment itself
// is recorded by the webhook, which may come a moment later.
func (h *Handler) stripeReturn(msg string, isErr bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if h.Stripe == nil {
			return fiber.ErrNotFound
		}
		h.flash(c, msg, isErr)
		return h.redirect(c, "/invoices")
	}
}

// stripeWebhook records what Stripe says happened. A bad signature is 400
// and records nothing; an error while recording is 500, so that Stripe
// sends the event again.
func (h *Handler) stripeWebhook(c *fiber.Ctx) error {
	if h.Stripe == nil {
		return fiber.ErrNotFound
	}
	if n := c.Request().Header.ContentLength(); n < 0 || n > stripeWebhookLimit {
		c.Context().SetConnectionClose()
		return c.SendStatus(fiber.StatusRequestEntityTooLarge)
	}
	err := h.Stripe.HandleWebhook(c.UserContext(), c.Body(), c.Get("Stripe-Signature"))
	switch {
	case errors.Is(err, stripepay.ErrBadSignature):
		h.Log.Warn("stripe webhook refused", "ip", h.clientIP(c), "err", err)
		return c.SendStatus(fiber.StatusBadRequest)
	case err != nil:
		h.Log.Error("stripe webhook", "err", err)
		return c.SendStatus(fiber.StatusInternalServerError)
	}
	return c.SendStatus(fiber.StatusOK)
}
