package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/backend"
	"coin/date"
	"coin/form"
	"coin/selfservice"
	"coin/store"
	"coin/views"
)

// requestsPageSize bounds the back office lists of requests and notices.
const requestsPageSize = 200

// requestsAdmin lists the subscription requests waiting for staff and the
// notices of resignation to come.
func (h *Handler) requestsAdmin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d views.RequestsAdminData
	var err error
	if d.Pending, err = h.Store.PendingRequests(ctx, requestsPageSize); err != nil {
		return err
	}
	if d.Notices, err = h.Store.UpcomingResignations(ctx, date.Today(h.Cfg.Location()), requestsPageSize); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "selfservice.admin_title"), views.RequestsAdmin(d))
}

// requestPage shows a subscription request with the forms to decide it.
func (h *Handler) requestPage(c *fiber.Ctx) error {
	return h.requestDecision(c, fiber.StatusOK, map[string]string{"start_date": date.Today(h.Cfg.Location()).String()}, nil, nil)
}

func (h *Handler) requestDecision(c *fiber.Ctx, status int, values map[string]string, cfg backend.Values, errs form.Errors) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := h.Store.MemberRequestByID(ctx, id)
	if err != nil {
		return err
	}
	if r.Kind != store.RequestSubscribe || r.OfferID == nil {
		return fiber.ErrNotFound
	}
	d := views.RequestDecisionData{Request: r, Values: values, Config: cfg, Errs: errs}
	if o, err := h.Store.OfferByID(ctx, *r.OfferID); err == nil {
		if b := h.Subs.Backends.Get(o.Backend); b != nil {
			d.Fields = b.Fields()
		}
	}
	return h.page(c, status, h.tr(c, "selfservice.admin_title"), views.RequestDecision(d))
}

// requestApprove creates the requested subscription.
func (h *Handler) requestApprove(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, cfg := h.subscriptionFormValues(c)
	errs, err := h.SelfService.Approve(c.UserContext(), user(c), id, selfservice.Approval{StartDate: v["start_date"],
		Comments: v["comments"], Config: cfg})
	if errors.Is(err, selfservice.ErrDecided) {
		h.flash(c, "selfservice.already_decided", true)
		return h.redirect(c, "/admin/requests")
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.requestDecision(c, fiber.StatusUnprocessableEntity, v, cfg, errs)
	}
	h.flash(c, "selfservice.approved", false)
	return h.redirect(c, "/admin/requests")
}

// requestRefuse refuses a request with the reason told to the member.
func (h *Handler) requestRefuse(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	errs, err := h.SelfService.Refuse(c.UserContext(), user(c), id, c.FormValue("reason"))
	if errors.Is(err, selfservice.ErrDecided) {
		h.flash(c, "selfservice.already_decided", true)
		return h.redirect(c, "/admin/requests")
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.requestDecision(c, fiber.StatusUnprocessableEntity, map[string]string{"reason": c.FormValue("reason"),
			"start_date": date.Today(h.Cfg.Location()).String()}, nil, errs)
	}
	h.flash(c, "selfservice.refused", false)
	return h.redirect(c, "/admin/requests")
}
