package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/fees"
	"coin/mail"
	"coin/store"
	"coin/views"
)

// membershipData gathers the signed-in member's fee status and how to pay.
func (h *Handler) membershipData(ctx context.Context, m *store.Member) (views.MembershipData, error) {
	list, err := h.Store.MembershipFeesOfMember(ctx, m.ID)
	if err != nil {
		return views.MembershipData{}, err
	}
	today := date.Today(h.Cfg.Location())
	return views.MembershipData{Status: fees.StatusOf(list, today), Pay: h.Fees.HowToPay(ctx, m),
		Fees: list, Today: today, TaxReceipts: h.Cfg.Receipts.TaxReceipts}, nil
}

// membership is the member's own fee page: status, how to pay, history.
// It only ever shows the signed-in member's fees.
func (h *Handler) membership(c *fiber.Ctx) error {
	m := user(c)
	d, err := h.membershipData(c.UserContext(), m)
	if err != nil {
		return err
	}
	if d.Receipts, err = h.Store.MemberReceipts(c.UserContext(), m.ID); err != nil {
		return err
	}
	if d.Donations, err = h.Store.MemberDonations(c.UserContext(), m.ID); err != nil {
		return err
	}
	env := views.EnvOf(c.UserContext())
	d.Info, err = h.Templates.RenderLang("portal/membership_info", env.Lang, "html", map[string]any{
		"Site": env.Site, "Member": mail.MemberOf(m), "Reference": d.Pay.Reference})
	if err != nil {
		h.Log.Error("render membership info", "err", err)
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "fees.my_title"), views.Membership(d))
}
