package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/backend"
	"coin/form"
	"coin/store"
	"coin/subscription"
	"coin/views"
)

func subscriptionEditValues(s *store.Subscription) map[string]string {
	return map[string]string{"start_date": s.StartDate.String(), "resign_date": s.ResignDate.String(),
		"commitment_months": strconv.Itoa(s.CommitmentMonths), "comments": s.Comments}
}

func (h *Handler) subscriptionEditPage(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.reference(row), views.SubscriptionEdit(views.SubscriptionEditData{
		Row: row, Reference: h.reference(row), Values: subscriptionEditValues(&row.Subscription)}))
}

func (h *Handler) subscriptionEdit(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	v, _ := h.subscriptionFormValues(c)
	res, errs, err := h.Subs.Update(c.UserContext(), row.ID, subscription.Form{StartDate: v["start_date"],
		ResignDate: v["resign_date"], CommitmentMonths: v["commitment_months"], Comments: v["comments"]})
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.reference(row), views.SubscriptionEdit(
			views.SubscriptionEditData{Row: row, Reference: h.reference(row), Values: v, Errs: errs}))
	}
	if res.Run != nil {
		return h.subscriptionDetail(c, row.ID, res)
	}
	h.flash(c, "subscriptions.saved", false)
	return h.redirect(c, "/admin/subscriptions/"+strconv.FormatInt(row.ID, 10))
}

func (h *Handler) configPage(c *fiber.Ctx, status int, row *store.SubscriptionRow, values map[string]string, errs form.Errors, member bool) error {
	b := h.Subs.Backends.Get(row.Backend)
	if b == nil {
		return fiber.ErrNotFound
	}
	d := views.ConfigEditData{Title: h.trf(c, "subscriptions.config_title", map[string]any{"Ref": h.reference(row)}),
		Fields: b.Fields(), Values: values, Errs: errs,
		Action: h.Cfg.URL("/admin/subscriptions/" + strconv.FormatInt(row.ID, 10) + "/config"),
		Cancel: h.Cfg.URL("/admin/subscriptions/" + strconv.FormatInt(row.ID, 10))}
	if member {
		var editable []backend.Field
		for _, f := range b.Fields() {
			if f.MemberEditable {
				editable = append(editable, f)
			}
		}
		d.Fields = editable
		d.Action = h.Cfg.URL("/subscriptions/" + strconv.FormatInt(row.ID, 10) + "/config")
		d.Cancel = h.Cfg.URL("/subscriptions")
	}
	return h.page(c, status, d.Title, views.ConfigEdit(d))
}

func (h *Handler) currentConfig(c *fiber.Ctx, row *store.SubscriptionRow) (map[string]string, error) {
	cfg, err := h.Store.ConfigurationOf(c.UserContext(), row.ID)
	if err != nil {
		return map[string]string{}, nil
	}
	return cfg.Data, nil
}

func (h *Handler) subscriptionConfigPage(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	values, err := h.currentConfig(c, row)
	if err != nil {
		return err
	}
	return h.configPage(c, fiber.StatusOK, row, values, nil, false)
}

func (h *Handler) subscriptionConfig(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	_, values := h.subscriptionFormValues(c)
	res, errs, err := h.Subs.UpdateConfig(c.UserContext(), row, values, false)
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.configPage(c, fiber.StatusUnprocessableEntity, row, values, errs, false)
	}
	return h.subscriptionDetail(c, row.ID, res)
}
