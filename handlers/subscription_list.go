package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/store"
	"coin/subscription"
	"coin/views"
)

const subscriptionsPerPage = 50

func (h *Handler) subscriptionList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	page := pageParam(c)
	offerID, _ := strconv.ParseInt(c.Query("offer"), 10, 64)
	state := c.Query("state")
	switch state {
	case "", "active", "ended", "upcoming":
	default:
		state = ""
	}
	f := store.SubscriptionFilter{Search: c.Query("q"), State: state, OfferID: offerID,
		Day: date.Today(h.Cfg.Location()), Limit: subscriptionsPerPage, Offset: pageOffset(page, subscriptionsPerPage)}
	rows, total, err := h.Store.ListSubscriptions(ctx, f)
	if err != nil {
		return err
	}
	offers, err := h.Store.ListOffers(ctx)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "subscriptions.title"), views.SubscriptionList(views.SubscriptionListData{
		Rows: rows, Total: total, Search: f.Search, State: state, OfferID: offerID, Offers: offers,
		Page: page, PerPage: subscriptionsPerPage, Refs: h.references(rows)}))
}

// references renders the subscription reference of each row.
func (h *Handler) references(rows []*store.SubscriptionRow) map[int64]string {
	refs := make(map[int64]string, len(rows))
	for _, r := range rows {
		refs[r.ID] = h.reference(r)
	}
	return refs
}

func (h *Handler) reference(r *store.SubscriptionRow) string {
	o := &store.Offer{ID: r.OfferID, Reference: r.OfferReference, Name: r.OfferName, Backend: r.Backend}
	m := &store.Member{ID: r.MemberID, Login: r.MemberLogin}
	return subscription.Reference(h.Cfg.Services.SubscriptionReference, &r.Subscription, o, m)
}
