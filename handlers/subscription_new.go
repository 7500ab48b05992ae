package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/backend"
	"coin/date"
	"coin/form"
	"coin/store"
	"coin/subscription"
	"coin/views"
)

// subscriptionFormValues reads the subscription form from a query (GET,
// the no-JavaScript steps) or a body (POST).
func (h *Handler) subscriptionFormValues(c *fiber.Ctx) (map[string]string, backend.Values) {
	get := c.FormValue
	if c.Method() == fiber.MethodGet {
		get = func(k string, _ ...string) string { return c.Query(k) }
	}
	v := map[string]string{}
	for _, k := range []string{"member_q", "member_id", "offer_id", "start_date", "resign_date", "commitment_months", "comments"} {
		v[k] = strings.TrimSpace(get(k))
	}
	cfg := backend.Values{}
	for _, name := range h.Subs.Backends.Names() {
		for _, f := range h.Subs.Backends.Get(name).Fields() {
			if x := get("cfg_" + f.Name); x != "" {
				cfg[f.Name] = x
			}
		}
	}
	return v, cfg
}

// subscriptionForm builds the form: the chosen member, members matching the
// search, the offers and the fields of the chosen offer.
func (h *Handler) subscriptionForm(c *fiber.Ctx, v map[string]string, cfg backend.Values, errs form.Errors) (views.SubscriptionFormData, error) {
	ctx := c.UserContext()
	d := views.SubscriptionFormData{Values: v, Config: cfg, Errs: errs}
	if id, _ := strconv.ParseInt(v["member_id"], 10, 64); id > 0 {
		if m, err := h.Store.MemberByID(ctx, id); err == nil {
			d.Member = m
		}
	}
	if q := v["member_q"]; q != "" {
		ms, _, err := h.Store.ListMembers(ctx, store.MemberFilter{Search: q, Limit: 10})
		if err != nil {
			return d, err
		}
		d.Candidates = ms
	}
	offers, err := h.Store.ListOffers(ctx)
	if err != nil {
		return d, err
	}
	for _, o := range offers {
		d.Offers = append(d.Offers, views.OfferChoice{Offer: o, Blocked: h.Subs.Subscribable(o)})
		if strconv.FormatInt(o.ID, 10) == v["offer_id"] {
			if b := h.Subs.Backends.Get(o.Backend); b != nil {
				d.Fields = b.Fields()
			}
		}
	}
	return d, nil
}

func (h *Handler) subscriptionNewPage(c *fiber.Ctx) error {
	v, cfg := h.subscriptionFormValues(c)
	if v["start_date"] == "" {
		v["start_date"] = date.Today(h.Cfg.Location()).String()
	}
	if v["commitment_months"] == "" {
		v["commitment_months"] = "0"
	}
	d, err := h.subscriptionForm(c, v, cfg, nil)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "subscriptions.new"), views.SubscriptionNew(d))
}

// subscriptionMemberOptions answers the member search box (htmx).
func (h *Handler) subscriptionMemberOptions(c *fiber.Ctx) error {
	v, cfg := h.subscriptionFormValues(c)
	d, err := h.subscriptionForm(c, v, cfg, nil)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.MemberOptions(d.Member, d.Candidates, nil))
}

// subscriptionConfigFields answers a change of offer (htmx) with its fields.
func (h *Handler) subscriptionConfigFields(c *fiber.Ctx) error {
	v, cfg := h.subscriptionFormValues(c)
	d, err := h.subscriptionForm(c, v, cfg, nil)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.ConfigFields(d.Fields, cfg, nil))
}

func (h *Handler) subscriptionCreate(c *fiber.Ctx) error {
	v, cfg := h.subscriptionFormValues(c)
	res, errs, err := h.Subs.Create(c.UserContext(), subscription.Form{MemberID: v["member_id"],
		OfferID: v["offer_id"], StartDate: v["start_date"], ResignDate: v["resign_date"],
		CommitmentMonths: v["commitment_months"], Comments: v["comments"], Config: cfg})
	if err != nil {
		return err
	}
	if errs.Any() {
		d, err := h.subscriptionForm(c, v, cfg, errs)
		if err != nil {
			return err
		}
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "subscriptions.new"), views.SubscriptionNew(d))
	}
	// No redirect: the generated password is shown once, on this answer.
	return h.subscriptionDetail(c, res.Subscription.ID, res)
}
