package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/bank"
	"coin/model"
	"coin/store"
	"coin/views"
)

// bankLineParams reads :id and :pos and the line, refusing lines of an
// import that can no longer change.
func (h *Handler) bankLine(c *fiber.Ctx) (*store.BankImport, *store.BankImportLine, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, nil, err
	}
	pos, err := strconv.Atoi(c.Params("pos"))
	if err != nil {
		return nil, nil, fiber.ErrNotFound
	}
	ctx := c.UserContext()
	imp, err := h.Store.BankImportByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	l, err := h.Store.BankImportLine(ctx, id, pos)
	if err != nil {
		return nil, nil, err
	}
	return imp, l, nil
}

// bankLineEdit shows the row's form: find a member (the line's candidates
// first), then choose what the line pays.
func (h *Handler) bankLineEdit(c *fiber.Ctx) error {
	imp, l, err := h.bankLine(c)
	if err != nil {
		return err
	}
	bs, err := h.Store.BankBookings(c.UserContext(), imp.ID)
	if err != nil {
		return err
	}
	l.Booking = bs[l.Position]
	d := views.BankLineEditData{Import: imp, Line: l, Query: strings.TrimSpace(c.Query("q"))}
	if err := h.fillLineEdit(c, &d, c.Query("member_id")); err != nil {
		return err
	}
	return h.lineEdit(c, fiber.StatusOK, d)
}

func (h *Handler) fillLineEdit(c *fiber.Ctx, d *views.BankLineEditData, memberID string) error {
	ctx := c.UserContext()
	if id, _ := strconv.ParseInt(memberID, 10, 64); id > 0 {
		m, err := h.Store.MemberByID(ctx, id)
		if err != nil {
			return err
		}
		d.Member = m
		d.Open, err = h.Store.OpenInvoices(ctx, id)
		return err
	}
	if d.Query != "" {
		ms, _, err := h.Store.ListMembers(ctx, store.MemberFilter{Search: d.Query, Limit: 10})
		d.Found = ms
		return err
	}
	if len(d.Line.Candidates) > 0 {
		byID, err := h.Store.MembersByIDs(ctx, d.Line.Candidates)
		if err != nil {
			return err
		}
		for _, id := range d.Line.Candidates {
			if m := byID[id]; m != nil {
				d.Found = append(d.Found, m)
			}
		}
	}
	return nil
}

func (h *Handler) lineEdit(c *fiber.Ctx, status int, d views.BankLineEditData) error {
	if isHTMX(c) && hxTarget(c) != "" {
		return h.partial(c, status, views.BankLineEdit(d))
	}
	return h.page(c, status, h.tr(c, "bank.fix_title"), views.BankLineEditPage(d))
}

// bankLineFix applies the match chosen by hand; htmx gets the new row.
func (h *Handler) bankLineFix(c *fiber.Ctx) error {
	imp, l, err := h.bankLine(c)
	if err != nil {
		return err
	}
	fix := bank.Fix{}
	fix.MemberID, _ = strconv.ParseInt(c.FormValue("member_id"), 10, 64)
	switch target := c.FormValue("target"); {
	case target == "none":
	case target == model.TargetFee, target == model.TargetCredit:
		fix.Target = target
	case strings.HasPrefix(target, "invoice:"):
		fix.Target = model.TargetInvoice
		fix.InvoiceID, _ = strconv.ParseInt(strings.TrimPrefix(target, "invoice:"), 10, 64)
	default:
		fix.Target = "?"
	}
	fixed, err := h.Bank.FixLine(c.UserContext(), imp.ID, l.Position, fix)
	if msg := fixError(err); msg != "" {
		d := views.BankLineEditData{Import: imp, Line: l, Error: msg}
		if ferr := h.fillLineEdit(c, &d, c.FormValue("member_id")); ferr != nil && !errors.Is(ferr, store.ErrNotFound) {
			return ferr
		}
		return h.lineEdit(c, fiber.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	return h.lineChanged(c, imp, fixed, "bank.line_fixed")
}

// lineChanged answers a line matched or booked: htmx gets the new row,
// the counts and the confirm button out of band; a plain form goes back
// to the import with flash.
func (h *Handler) lineChanged(c *fiber.Ctx, imp *store.BankImport, l *store.BankImportLine, flash string) error {
	if isHTMX(c) && hxTarget(c) != "" {
		d, err := h.bankImportData(c, imp.ID)
		if err != nil {
			return err
		}
		c.Set("HX-Reswap", "none")
		return h.partial(c, fiber.StatusOK, views.BankLineFixed(d, l))
	}
	h.flash(c, flash, false)
	return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", imp.ID))
}

// fixError names what the user did wrong, "" for other errors.
func fixError(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, bank.ErrBadFix):
		return "bank.err.bad_fix"
	case errors.Is(err, bank.ErrNotPending):
		return "bank.err.not_pending"
	case errors.Is(err, bank.ErrExpired):
		return "bank.err.expired"
	}
	return ""
}
