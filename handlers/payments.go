package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/billing"
	"coin/date"
	"coin/form"
	"coin/i18n"
	"coin/model"
	"coin/store"
	"coin/views"
)

const paymentsPerPage = 50

func (h *Handler) paymentList(c *fiber.Ctx) error {
	q := url.Values{}
	f := store.PaymentFilter{Search: c.Query("q"), Unmatched: c.Query("unmatched") == "1"}
	if f.Search != "" {
		q.Set("q", f.Search)
	}
	if f.Unmatched {
		q.Set("unmatched", "1")
	}
	for _, m := range store.PaymentMethods {
		if c.Query("method") == m {
			f.Method = m
			q.Set("method", m)
		}
	}
	if d, err := date.Parse(c.Query("from")); err == nil && !d.IsZero() {
		f.From = d
		q.Set("from", d.String())
	}
	if d, err := date.Parse(c.Query("to")); err == nil && !d.IsZero() {
		f.To = d
		q.Set("to", d.String())
	}
	page := pageParam(c)
	f.Limit, f.Offset = paymentsPerPage, pageOffset(page, paymentsPerPage)
	ps, n, sum, err := h.Store.ListPayments(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "payments.title"), views.PaymentList(views.PaymentListData{
		Payments: ps, Count: n, Sum: sum, Query: q, Page: page, PerPage: paymentsPerPage}))
}

func (h *Handler) paymentForm(c *fiber.Ctx, status int, d views.PaymentFormData) error {
	if d.Member != nil && d.Open == nil {
		open, err := h.Store.OpenInvoices(c.UserContext(), d.Member.ID)
		if err != nil {
			return err
		}
		d.Open = open
	}
	return h.page(c, status, h.tr(c, "payments.new"), views.PaymentForm(d))
}

func (h *Handler) paymentNewPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var err error
	d := views.PaymentFormData{Values: map[string]string{"member_q": c.Query("member_q"), "method": "transfer",
		"date": date.Today(h.Cfg.Location()).String()}}
	if id, _ := strconv.ParseInt(c.Query("member_id"), 10, 64); id > 0 {
		if d.Member, err = h.Store.MemberByID(ctx, id); err != nil {
			return err
		}
		if d.Invoice, err = h.paymentInvoice(c, c.Query("invoice_id"), d.Member); err != nil {
			return err
		}
		if d.Invoice != nil {
			d.Values["amount"] = i18n.From(ctx).AmountInput(d.Invoice.Remaining())
			d.Values["label"] = d.Invoice.Number
		}
	} else if d.Members, err = h.paymentCandidates(c); err != nil {
		return err
	}
	return h.paymentForm(c, fiber.StatusOK, d)
}

// paymentCandidates are the members matching the payment form's search.
func (h *Handler) paymentCandidates(c *fiber.Ctx) ([]*store.Member, error) {
	q := strings.TrimSpace(c.Query("member_q"))
	if q == "" {
		return nil, nil
	}
	ms, _, err := h.Store.ListMembers(c.UserContext(), store.MemberFilter{Search: q, Limit: 20})
	return ms, err
}

// paymentMemberOptions answers the live search of the payment form (htmx).
func (h *Handler) paymentMemberOptions(c *fiber.Ctx) error {
	ms, err := h.paymentCandidates(c)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.PaymentMembers(ms, c.Query("member_q") != ""))
}

func (h *Handler) paymentCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, _ := strconv.ParseInt(c.FormValue("member_id"), 10, 64)
	m, err := h.Store.MemberByID(ctx, id)
	if err != nil {
		return err
	}
	in := billing.PaymentInput{MemberID: m.ID, Method: c.FormValue("method"), Date: strings.TrimSpace(c.FormValue("date")),
		Amount: c.FormValue("amount"), Label: c.FormValue("label")}
	values := map[string]string{"method": in.Method, "date": in.Date, "amount": in.Amount, "label": in.Label}
	var p store.Payment
	if errs := billing.CheckPayment(in, &p); errs.Any() {
		return h.paymentForm(c, fiber.StatusUnprocessableEntity, views.PaymentFormData{Values: values, Errs: errs, Member: m})
	}
	p.CreatedBy = &user(c).ID
	inv, err := h.paymentInvoice(c, c.FormValue("invoice_id"), m)
	if err != nil {
		return err
	}
	if inv != nil {
		_, err = h.Billing.RecordPaymentFor(ctx, &p, inv.ID, user(c).Login)
	} else {
		_, err = h.Billing.RecordPayment(ctx, &p, user(c).Login)
	}
	if err != nil {
		return err
	}
	if inv != nil {
		h.flash(c, "payments.recorded_for_invoice", false)
		return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", inv.ID))
	}
	h.flash(c, "payments.recorded", false)
	return h.redirect(c, fmt.Sprintf("/admin/payments/%d", p.ID))
}

func (h *Handler) paymentDetail(c *fiber.Ctx, status int, id int64, errID string) error {
	ctx := c.UserContext()
	p, err := h.Store.PaymentByID(ctx, id)
	if err != nil {
		return err
	}
	d := views.PaymentDetailData{Payment: p, Error: errID}
	if d.Allocations, err = h.Store.PaymentAllocations(ctx, id); err != nil {
		return err
	}
	if d.PaysFee, err = h.Store.PaymentPaysFee(ctx, id); err != nil {
		return err
	}
	if d.PaysFee {
		// Its money is the fee's: nothing to re-allocate.
		return h.page(c, status, h.tr(c, "payments.payment"), views.PaymentDetail(d))
	}
	// Invoices it may settle: those it settles now and the member's open ones.
	open, err := h.Store.OpenInvoices(ctx, p.MemberID)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, inv := range open {
		seen[inv.ID] = true
	}
	for _, a := range d.Allocations {
		if !seen[a.InvoiceID] {
			inv, err := h.Store.InvoiceByID(ctx, a.InvoiceID)
			if err != nil {
				return err
			}
			open = append(open, inv)
			seen[a.InvoiceID] = true
		}
	}
	d.Open = open
	return h.page(c, status, h.tr(c, "payments.payment"), views.PaymentDetail(d))
}

func (h *Handler) paymentShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.paymentDetail(c, fiber.StatusOK, id, "")
}

// paymentAllocate replaces a payment's allocations with the amounts typed.
func (h *Handler) paymentAllocate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var want []billing.Allocation
	errs := form.Errors{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if !strings.HasPrefix(key, "alloc_") || strings.TrimSpace(string(v)) == "" {
			return
		}
		inv, perr := strconv.ParseInt(strings.TrimPrefix(key, "alloc_"), 10, 64)
		cents := errs.Money(key, string(v))
		if perr == nil {
			want = append(want, billing.Allocation{InvoiceID: inv, AmountCents: cents})
		}
	})
	if errs.Any() {
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "err.amount_invalid")
	}
	err = h.Billing.Reallocate(c.UserContext(), id, want, user(c).Login)
	if errors.Is(err, billing.ErrPaysFee) {
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "payments.pays_fee")
	}
	if errors.Is(err, billing.ErrOverAllocated) || errors.Is(err, store.ErrNotFound) {
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "payments.over_allocated")
	}
	if err != nil {
		return err
	}
	h.flash(c, "payments.reallocated", false)
	return h.redirect(c, fmt.Sprintf("/admin/payments/%d", id))
}

// paymentInvoice is the invoice named by a payment form (raw: its id, or
// empty for none): a validated invoice of member m, else a 404, so that a
// forged id names nothing.
func (h *Handler) paymentInvoice(c *fiber.Ctx, raw string, m *store.Member) (*store.Invoice, error) {
	if raw == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, fiber.ErrNotFound
	}
	inv, err := h.Store.MemberInvoice(c.UserContext(), m.ID, id)
	if err != nil {
		return nil, err
	}
	if inv.Kind != model.KindInvoice {
		return nil, fiber.ErrNotFound
	}
	return inv, nil
}

// paymentDelete undoes a payment recorded by mistake (a reversal in the
// books, never a silent delete), while its period is open.
func (h *Handler) paymentDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.Billing.DeletePayment(c.UserContext(), id, user(c).Login)
	switch {
	case errors.Is(err, billing.ErrImported):
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "payments.err.imported")
	case errors.Is(err, billing.ErrPaysFee):
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "payments.err.pays_fee")
	case errors.Is(err, billing.ErrCardPayment):
		return h.paymentDetail(c, fiber.StatusUnprocessableEntity, id, "payments.err.card")
	case err != nil:
		return err
	}
	h.flash(c, "payments.deleted", false)
	return h.redirect(c, "/admin/payments")
}
