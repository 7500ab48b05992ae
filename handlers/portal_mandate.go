package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/form"
	"coin/sepa"
	"coin/views"
)

// portalMandatePage shows the member's mandate and the form to sign a new
// one for another account.
func (h *Handler) portalMandatePage(c *fiber.Ctx) error {
	return h.portalMandate(c, fiber.StatusOK, map[string]string{}, nil)
}

func (h *Handler) portalMandate(c *fiber.Ctx, status int, values map[string]string, errs form.Errors) error {
	if !h.Cfg.SEPA.Enabled() {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	m := user(c)
	ms, err := h.Store.MandatesOfMember(ctx, m.ID)
	if err != nil {
		return err
	}
	d := views.MandateSignData{Member: m, Reference: sepa.NextReference(m.ID, len(ms)), CreditorName: h.Cfg.SEPA.CreditorName,
		CreditorID: h.Cfg.SEPA.CreditorID, Values: values, Errs: errs}
	if len(ms) > 0 && ms[0].Active {
		d.Current = ms[0]
	}
	return h.page(c, status, h.tr(c, "selfservice.mandate_title"), views.MandateSign(d))
}

// portalMandateSign signs the new mandate and revokes the old one.
func (h *Handler) portalMandateSign(c *fiber.Ctx) error {
	values := map[string]string{"iban": c.FormValue("iban"), "bic": c.FormValue("bic")}
	_, errs, err := h.SEPA.SignMandate(c.UserContext(), user(c), c.FormValue("iban"), c.FormValue("bic"),
		c.FormValue("reference"), c.FormValue("accept") == "1")
	if errors.Is(err, sepa.ErrDisabled) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.portalMandate(c, fiber.StatusUnprocessableEntity, values, errs)
	}
	h.flash(c, "selfservice.mandate_signed", false)
	return h.redirect(c, "/mandate")
}
