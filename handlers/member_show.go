package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/store"
	"coin/views"
)

func (h *Handler) memberShow(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	subs, _, err := h.Store.ListSubscriptions(c.UserContext(), store.SubscriptionFilter{MemberID: m.ID})
	if err != nil {
		return err
	}
	d := views.MemberDetailData{Member: m, Subscriptions: subs, Refs: h.references(subs)}
	ctx := c.UserContext()
	if d.AnonymisedAt, err = h.Store.MemberAnonymisedAt(ctx, m.ID); err != nil {
		return err
	}
	if auth.Can(user(c).Role, auth.ViewMemberBilling) {
		if d.Invoices, _, err = h.Store.ListInvoices(ctx, store.InvoiceFilter{MemberID: m.ID}); err != nil {
			return err
		}
		if d.Balance, err = h.Store.MemberBalance(ctx, m.ID); err != nil {
			return err
		}
		if d.Collections, err = h.memberCollections(c, m, subs); err != nil {
			return err
		}
	}
	// Payments carry the bank's labels: the treasurer's business.
	if auth.Can(user(c).Role, auth.ViewBilling) {
		if d.Payments, _, _, err = h.Store.ListPayments(ctx, store.PaymentFilter{MemberID: m.ID}); err != nil {
			return err
		}
	}
	if canSeeFees(c) {
		if d.Fees, err = h.memberFeesData(c.UserContext(), m); err != nil {
			return err
		}
	}
	if auth.Can(user(c).Role, auth.ViewAudit) {
		d.ShowHistory = true
		if d.History, err = h.Store.AuditEntries(ctx, store.AuditFilter{MemberID: m.ID, Limit: memberHistoryLen}); err != nil {
			return err
		}
	}
	return h.page(c, fiber.StatusOK, m.DisplayName(), views.MemberDetail(d))
}

// memberPasswordReset e-mails the member a link to choose a password.
func (h *Handler) memberPasswordReset(c *fiber.Ctx) error {
	m, err := h.managedMember(c)
	if err != nil {
		return err
	}
	if err := h.Accounts.SendPasswordReset(c.UserContext(), m); err != nil {
		return err
	}
	h.flash(c, "members.reset_sent", false)
	return h.redirect(c, "/admin/members/"+c.Params("id"))
}
