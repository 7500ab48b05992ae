package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/form"
	"coin/selfservice"
	"coin/store"
	"coin/views"
)

// selfServicePage shows the member's requests, the offers they may ask
// for and the notice of resignation form.
func (h *Handler) selfServicePage(c *fiber.Ctx) error {
	return h.selfService(c, fiber.StatusOK, map[string]string{"end_date": date.Today(h.Cfg.Location()).String()}, nil)
}

func (h *Handler) selfService(c *fiber.Ctx, status int, values map[string]string, errs form.Errors) error {
	ctx := c.UserContext()
	m := user(c)
	d := views.SelfServiceData{Values: values, Errs: errs, SEPA: h.Cfg.SEPA.Enabled()}
	offers, err := h.Store.ListOffers(ctx)
	if err != nil {
		return err
	}
	for _, o := range offers {
		if h.Subs.Subscribable(o) == "" {
			d.Offers = append(d.Offers, o)
		}
	}
	if d.Requests, err = h.Store.RequestsOfMember(ctx, m.ID); err != nil {
		return err
	}
	rows, _, err := h.Store.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: m.ID})
	if err != nil {
		return err
	}
	today := date.Today(h.Cfg.Location())
	for _, r := range rows {
		if r.ResignDate.IsZero() || r.ResignDate.After(today) {
			d.Subscriptions = append(d.Subscriptions, r)
		}
	}
	return h.page(c, status, h.tr(c, "selfservice.title"), views.SelfService(d))
}

// selfServiceSubscribe records the member's request for an open offer.
func (h *Handler) selfServiceSubscribe(c *fiber.Ctx) error {
	offerID, _ := strconv.ParseInt(c.FormValue("offer_id"), 10, 64)
	values := map[string]string{"offer_id": c.FormValue("offer_id"), "comments": c.FormValue("comments"),
		"end_date": date.Today(h.Cfg.Location()).String()}
	errs, err := h.SelfService.AskSubscription(c.UserContext(), user(c), offerID, c.FormValue("comments"))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.selfService(c, fiber.StatusUnprocessableEntity, values, errs)
	}
	h.flash(c, "selfservice.asked", false)
	return h.redirect(c, "/requests")
}

// selfServiceResign records the member's notice of resignation.
func (h *Handler) selfServiceResign(c *fiber.Ctx) error {
	subID, _ := strconv.ParseInt(c.FormValue("subscription_id"), 10, 64)
	values := map[string]string{"subscription_id": c.FormValue("subscription_id"), "end_date": c.FormValue("end_date"),
		"resign_comments": c.FormValue("resign_comments")}
	errs, err := h.SelfService.Resign(c.UserContext(), user(c), selfservice.Resignation{SubscriptionID: subID,
		EndDate: c.FormValue("end_date"), Comments: c.FormValue("resign_comments")})
	if errors.Is(err, selfservice.ErrNotYours) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.selfService(c, fiber.StatusUnprocessableEntity, values, errs)
	}
	h.flash(c, "selfservice.resigned", false)
	return h.redirect(c, "/requests")
}
