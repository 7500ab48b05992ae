package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/billing"
	"coin/date"
	"coin/model"
	"coin/money"
	"coin/store"
)

// dateQuery reads an optional YYYY-MM-DD parameter.
func dateQuery(c *fiber.Ctx, name string) (date.Date, error) {
	v := c.Query(name)
	if v == "" {
		return date.Date{}, nil
	}
	d, err := date.Parse(v)
	if err != nil {
		return d, badParam(name, "a date YYYY-MM-DD")
	}
	return d, nil
}

// billingScope says whose money p may list: a member only their own; the
// treasurer's view (ViewBilling) everyone's; support (ViewMemberBilling)
// one member's at a time, as on a member's page.
func billingScope(c *fiber.Ctx, p *principal, perMember bool) (int64, error) {
	memberID, err := int64Query(c, "member_id")
	if err != nil {
		return 0, err
	}
	switch {
	case p.member():
		if memberID != 0 && memberID != p.MemberID {
			return 0, errForbidden
		}
		return p.MemberID, nil
	case p.can(auth.ViewBilling):
		return memberID, nil
	case perMember && p.can(auth.ViewMemberBilling):
		if memberID == 0 {
			return 0, &Error{Status: fiber.StatusForbidden, Message: "your role lists the invoices of one member: give member_id"}
		}
		return memberID, nil
	}
	return 0, errForbidden
}

func (a *api) listInvoices(c *fiber.Ctx, p *principal) error {
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	f := store.InvoiceFilter{Limit: pg.Limit, Offset: pg.offset()}
	if f.MemberID, err = billingScope(c, p, true); err != nil {
		return err
	}
	if f.Kind, err = oneOfQuery(c, "kind", model.KindInvoice, model.KindCreditNote); err != nil {
		return err
	}
	if f.Status, err = oneOfQuery(c, "status", model.InvoiceDraft, model.InvoiceValidated, "open", "paid"); err != nil {
		return err
	}
	if p.member() && f.Status != "open" && f.Status != "paid" {
		f.Status = model.InvoiceValidated // drafts are not the member's yet
	}
	if f.From, err = dateQuery(c, "from"); err != nil {
		return err
	}
	if f.To, err = dateQuery(c, "to"); err != nil {
		return err
	}
	if f.Search, err = textQuery(c, "q"); err != nil {
		return err
	}
	list, totals, err := a.Store.ListInvoices(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]invoiceJSON, 0, len(list))
	for _, i := range list {
		out = append(out, invoiceOf(i, a.currency()))
	}
	return c.JSON(newList(out, pg, totals.Count))
}

// invoiceFor returns the invoice of the path if p may see it: a member
// only their own validated ones.
func (a *api) invoiceFor(c *fiber.Ctx, p *principal) (*store.Invoice, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	if p.member() {
		return a.Store.MemberInvoice(c.UserContext(), p.MemberID, id)
	}
	if err := need(p, auth.ViewMemberBilling, false); err != nil {
		return nil, err
	}
	return a.Store.InvoiceByID(c.UserContext(), id)
}

func (a *api) getInvoice(c *fiber.Ctx, p *principal) error {
	inv, err := a.invoiceFor(c, p)
	if err != nil {
		return err
	}
	return c.JSON(invoiceOf(inv, a.currency()))
}

func (a *api) invoicePDF(c *fiber.Ctx, p *principal) error {
	inv, err := a.invoiceFor(c, p)
	if err != nil {
		return err
	}
	if !inv.HasPDF {
		return newError(fiber.StatusNotFound, "this invoice has no PDF (a draft has none)")
	}
	pdf, err := a.Store.InvoicePDF(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.pdf"`, strings.ReplaceAll(inv.Number, `"`, "")))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

func (a *api) listPayments(c *fiber.Ctx, p *principal) error {
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	f := store.PaymentFilter{Limit: pg.Limit, Offset: pg.offset()}
	// Payments carry bank labels: the treasurer's view, not support's.
	if f.MemberID, err = billingScope(c, p, false); err != nil {
		return err
	}
	if f.Method, err = oneOfQuery(c, "method", store.PaymentMethods...); err != nil {
		return err
	}
	if f.From, err = dateQuery(c, "from"); err != nil {
		return err
	}
	if f.To, err = dateQuery(c, "to"); err != nil {
		return err
	}
	if f.Search, err = textQuery(c, "q"); err != nil {
		return err
	}
	f.Unmatched = c.QueryBool("unmatched", false)
	list, total, _, err := a.Store.ListPayments(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]paymentJSON, 0, len(list))
	for _, x := range list {
		out = append(out, paymentOf(x, a.currency()))
	}
	return c.JSON(newList(out, pg, total))
}

func (a *api) getPayment(c *fiber.Ctx, p *principal) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if !p.member() {
		if err := need(p, auth.ViewBilling, false); err != nil {
			return err
		}
	}
	x, err := a.Store.PaymentByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if p.member() && x.MemberID != p.MemberID {
		return errNotFound
	}
	return c.JSON(paymentOf(x, a.currency()))
}

// paymentInput is a payment as the API takes it.
type paymentInput struct {
	MemberID    int64  `json:"member_id"`
	Method      string `json:"method"`
	Date        string `json:"date"`
	AmountCents *int64 `json:"amount_cents"`
	Label       string `json:"label"`
}

// createPayment records a payment through billing.RecordPayment (one
// transaction, allocated to the member's oldest open invoices), as the
// back office's form does.
func (a *api) createPayment(c *fiber.Ctx, p *principal) error {
	if err := need(p, auth.ManageBilling, true); err != nil {
		return err
	}
	var in paymentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.MemberID != 0 {
		if _, err := a.Store.MemberByID(c.UserContext(), in.MemberID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &Error{Status: fiber.StatusUnprocessableEntity, Message: "invalid input",
					Fields: map[string]string{"member_id": "no such member"}}
			}
			return err
		}
	}
	bin := billing.PaymentInput{MemberID: in.MemberID, Method: in.Method, Date: strings.TrimSpace(in.Date), Label: in.Label}
	if in.AmountCents != nil {
		bin.Amount = money.Plain(*in.AmountCents)
	}
	var pay store.Payment
	if errs := billing.CheckPayment(bin, &pay); errs.Any() {
		return a.invalid(errs)
	}
	by := p.MemberID
	pay.CreatedBy = &by
	if _, err := a.Billing.RecordPayment(c.UserContext(), &pay, p.Token.MemberLogin); err != nil {
		return err
	}
	a.Log.Info("payment recorded through the api", "payment", pay.ID, "member", pay.MemberID, "token", p.Token.ID)
	x, err := a.Store.PaymentByID(c.UserContext(), pay.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(paymentOf(x, a.currency()))
}
