package api

import (
	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/fees"
	"coin/model"
	"coin/money"
	"coin/store"
)

// memberFees lists one member's fees (few: one a year), newest first.
func (a *api) memberFees(c *fiber.Ctx, p *principal) error {
	m, err := a.memberFor(c, p, auth.ViewMemberBilling)
	if err != nil {
		return err
	}
	list, err := a.Store.MembershipFeesOfMember(c.UserContext(), m.ID)
	if err != nil {
		return err
	}
	out := make([]feeJSON, 0, len(list))
	for _, f := range list {
		out = append(out, feeOf(f, a.currency()))
	}
	return c.JSON(newItems(out))
}

// listFees is the treasurer's fee list: members with their latest fee and
// whether a fee covers today.
func (a *api) listFees(c *fiber.Ctx, p *principal) error {
	if err := need(p, auth.ViewBilling, false); err != nil {
		return err
	}
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	f := store.FeeListFilter{Day: date.Today(a.Cfg.Location()), Limit: pg.Limit, Offset: pg.offset()}
	if f.State, err = oneOfQuery(c, "state", model.FeeUpToDate, model.FeeExpired, model.FeeNever); err != nil {
		return err
	}
	if f.Status, err = oneOfQuery(c, "status", model.StatusPending, model.StatusMember, model.StatusNotMember); err != nil {
		return err
	}
	if f.Search, err = textQuery(c, "q"); err != nil {
		return err
	}
	list, total, err := a.Store.ListMemberFees(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]memberFeeJSON, 0, len(list))
	for _, mf := range list {
		j := memberFeeJSON{MemberID: mf.Member.ID, MemberLogin: mf.Member.Login, DisplayName: mf.Member.DisplayName(),
			Status: mf.Member.Status, UpToDate: mf.UpToDate}
		if mf.Latest != nil {
			fj := feeOf(mf.Latest, a.currency())
			j.LatestFee = &fj
		}
		out = append(out, j)
	}
	return c.JSON(newList(out, pg, total))
}

// feeInput is a fee as the API takes it.
type feeInput struct {
	AmountCents   *int64 `json:"amount_cents"`
	StartDate     string `json:"start_date"`
	EndDate       string `json:"end_date"`
	PaymentMethod string `json:"payment_method"`
	PaymentDate   string `json:"payment_date"`
	Reference     string `json:"reference"`
}

// createFee records a membership fee through fees.Service.Record, as the
// member page's form does.
func (a *api) createFee(c *fiber.Ctx, p *principal) error {
	if err := need(p, auth.ManageBilling, true); err != nil {
		return err
	}
	m, err := a.memberFor(c, p, auth.ManageBilling)
	if err != nil {
		return err
	}
	var in feeInput
	if err := decode(c, &in); err != nil {
		return err
	}
	f := fees.Form{StartDate: in.StartDate, EndDate: in.EndDate, PaymentMethod: in.PaymentMethod,
		PaymentDate: in.PaymentDate, Reference: in.Reference}
	if in.AmountCents != nil {
		f.Amount = money.Plain(*in.AmountCents)
	}
	by := p.MemberID
	fee, errs, err := a.Fees.Record(c.UserContext(), m.ID, &by, p.Token.MemberLogin, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.invalid(errs)
	}
	a.Log.Info("membership fee recorded through the api", "member", m.ID, "fee", fee.ID, "token", p.Token.ID)
	return c.Status(fiber.StatusCreated).JSON(feeOf(fee, a.currency()))
}
