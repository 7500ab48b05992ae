package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/form"
	"coin/i18n"
	"coin/store"
	"coin/subscription"
	"coin/views"
)

func (h *Handler) offerList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	offers, err := h.Store.ListOffers(ctx)
	if err != nil {
		return err
	}
	counts, err := h.Store.CountSubscriptionsByOffer(ctx, date.Today(h.Cfg.Location()))
	if err != nil {
		return err
	}
	active := map[int64]int{}
	for _, c := range counts {
		active[c.OfferID] = c.Count
	}
	rows := make([]views.OfferRow, len(offers))
	for i, o := range offers {
		rows[i] = views.OfferRow{Offer: o, Active: active[o.ID], Blocked: h.Subs.Subscribable(o)}
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "offers.title"), views.Offers(rows))
}

func (h *Handler) backendOptions() []views.Option {
	var opts []views.Option
	for _, n := range h.Subs.Backends.Names() {
		opts = append(opts, views.Option{Value: n, Label: "backend." + n})
	}
	return opts
}

func offerValues(l *i18n.Locale, o *store.Offer) map[string]string {
	v := map[string]string{"name": o.Name, "reference": o.Reference, "backend": o.Backend,
		"period_fee": l.AmountInput(o.PeriodFeeCents), "setup_fee": l.AmountInput(o.SetupFeeCents),
		"billing_period_months": strconv.Itoa(o.BillingPeriodMonths), "description": o.Description}
	if o.Open {
		v["open"] = "1"
	}
	if o.NonBillable {
		v["non_billable"] = "1"
	}
	return v
}

func (h *Handler) offerForm(c *fiber.Ctx, status int, id int64, values map[string]string, errs form.Errors) error {
	d := views.OfferFormData{ID: id, Values: values, Errs: errs, Backends: h.backendOptions()}
	if id != 0 {
		n, _, err := h.Store.ListSubscriptions(c.UserContext(), store.SubscriptionFilter{OfferID: id, Limit: 1})
		if err != nil {
			return err
		}
		d.InUse = len(n) > 0
		if d.Pools, err = h.Store.IPPoolOffers(c.UserContext(), 0, id); err != nil {
			return err
		}
	}
	return h.page(c, status, h.tr(c, "offers.title"), views.OfferForm(d))
}

func (h *Handler) offerNewPage(c *fiber.Ctx) error {
	return h.offerForm(c, fiber.StatusOK, 0, offerValues(i18n.From(c.UserContext()), &store.Offer{BillingPeriodMonths: 1, Open: true, Backend: "vpn"}), nil)
}

// readOffer reads the offer form: its values to show again, and the form.
func readOffer(c *fiber.Ctx) (map[string]string, *subscription.OfferForm) {
	v := map[string]string{}
	for _, k := range []string{"name", "reference", "backend", "period_fee", "setup_fee", "billing_period_months", "description", "open", "non_billable"} {
		v[k] = strings.TrimSpace(c.FormValue(k))
	}
	return v, &subscription.OfferForm{Name: v["name"], Reference: v["reference"], Backend: v["backend"],
		PeriodFee: v["period_fee"], SetupFee: v["setup_fee"], BillingPeriodMonths: v["billing_period_months"],
		Description: v["description"], Open: v["open"] == "1", NonBillable: v["non_billable"] == "1"}
}

func (h *Handler) offerCreate(c *fiber.Ctx) error {
	v, f := readOffer(c)
	_, errs, err := h.Offers.Create(c.UserContext(), f, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, 0, v, errs)
	}
	h.flash(c, "offers.created", false)
	return h.redirect(c, "/admin/offers")
}

func (h *Handler) offerEditPage(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OfferByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.offerForm(c, fiber.StatusOK, id, offerValues(i18n.From(c.UserContext()), o), nil)
}

func (h *Handler) offerEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OfferByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	v, f := readOffer(c)
	errs, err := h.Offers.Update(c.UserContext(), o, f, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, id, v, errs)
	}
	h.flash(c, "offers.saved", false)
	return h.redirect(c, "/admin/offers")
}

func (h *Handler) offerDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := h.Offers.Delete(c.UserContext(), id, user(c)); errors.Is(err, store.ErrInUse) {
		h.flash(c, "offers.in_use", true)
		return h.redirect(c, "/admin/offers")
	} else if err != nil {
		return err
	}
	h.flash(c, "offers.deleted", false)
	return h.redirect(c, "/admin/offers")
}
