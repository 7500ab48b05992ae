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

// readOffer validates the offer form into o.
func (h *Handler) readOffer(c *fiber.Ctx, o *store.Offer) (map[string]string, form.Errors) {
	v := map[string]string{}
	for _, k := range []string{"name", "reference", "backend", "period_fee", "setup_fee", "billing_period_months", "description", "open", "non_billable"} {
		v[k] = strings.TrimSpace(c.FormValue(k))
	}
	errs := form.Errors{}
	errs.Required("name", v["name"])
	errs.Required("reference", v["reference"])
	errs.MaxLen("name", v["name"], 200)
	errs.MaxLen("reference", v["reference"], 50)
	// The reference reaches hooks as {offer}: no "-" to read as an option.
	if v["reference"] != "" && (strings.ContainsAny(v["reference"], " \t/") || strings.HasPrefix(v["reference"], "-")) {
		errs.Add("reference", "err.reference_invalid")
	}
	if h.Subs.Backends.Get(v["backend"]) == nil {
		errs.Add("backend", "err.choice_invalid")
	}
	o.PeriodFeeCents = errs.Money("period_fee", v["period_fee"])
	o.SetupFeeCents = errs.Money("setup_fee", v["setup_fee"])
	if o.PeriodFeeCents < 0 {
		errs.Add("period_fee", "err.amount_negative")
	}
	if o.SetupFeeCents < 0 {
		errs.Add("setup_fee", "err.amount_negative")
	}
	months, err := strconv.Atoi(v["billing_period_months"])
	if err != nil || months < 1 || months > 120 {
		errs.Add("billing_period_months", "err.months_invalid")
	}
	o.Name, o.Reference, o.Backend, o.BillingPeriodMonths = v["name"], v["reference"], v["backend"], months
	o.Description, o.Open, o.NonBillable = v["description"], v["open"] == "1", v["non_billable"] == "1"
	return v, errs
}

func (h *Handler) offerCreate(c *fiber.Ctx) error {
	var o store.Offer
	v, errs := h.readOffer(c, &o)
	if errs.Any() {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, 0, v, errs)
	}
	if err := h.Store.CreateOffer(c.UserContext(), &o); errors.Is(err, store.ErrConflict) {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, 0, v, form.Errors{"reference": "err.reference_taken"})
	} else if err != nil {
		return err
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
	v, errs := h.readOffer(c, o)
	if errs.Any() {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, id, v, errs)
	}
	if err := h.Store.UpdateOffer(c.UserContext(), o); errors.Is(err, store.ErrConflict) {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, id, v, form.Errors{"reference": "err.reference_taken"})
	} else if err != nil {
		return err
	}
	h.flash(c, "offers.saved", false)
	return h.redirect(c, "/admin/offers")
}

func (h *Handler) offerDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteOffer(c.UserContext(), id); errors.Is(err, store.ErrInUse) {
		h.flash(c, "offers.in_use", true)
		return h.redirect(c, "/admin/offers")
	} else if err != nil {
		return err
	}
	h.flash(c, "offers.deleted", false)
	return h.redirect(c, "/admin/offers")
}
