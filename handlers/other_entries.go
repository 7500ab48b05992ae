package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/bank"
	"coin/date"
	"coin/entries"
	"coin/form"
	"coin/i18n"
	"coin/ledger"
	"coin/receipt"
	"coin/store"
	"coin/views"
)

func (h *Handler) entries() *entries.Service {
	return &entries.Service{Store: h.Store, Cfg: h.Cfg, Catalog: h.Books.Catalog}
}

func (h *Handler) entryDefaults() map[string]string {
	out := map[string]string{}
	for _, k := range store.OtherKinds {
		out[k] = entries.DefaultAccount(h.Cfg, k)
	}
	return out
}

// entriesPage lists donations, other income, expenses and bank fees.
func (h *Handler) entriesPage(c *fiber.Ctx) error {
	list, err := h.Store.OtherEntries(c.UserContext(), 500)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "entries.list_title"), views.EntriesPage(views.EntriesData{Entries: list}))
}

// entryNewPage is the form of a cash or cheque entry.
func (h *Handler) entryNewPage(c *fiber.Ctx) error {
	d := views.EntryFormData{Form: views.EntryForm{Date: date.Today(h.Cfg.Location()).String(), Direction: "in",
		Kind: store.OtherDonation, Method: entries.MethodCash}, Errs: form.Errors{}, Defaults: h.entryDefaults()}
	return h.page(c, fiber.StatusOK, h.tr(c, "entries.new_title"), views.EntryNewPage(d))
}

// donorMember finds the member typed as donor: a member number or a login.
func (h *Handler) donorMember(c *fiber.Ctx, typed string) (*int64, bool) {
	typed = strings.TrimPrefix(strings.TrimSpace(typed), "#")
	if typed == "" {
		return nil, true
	}
	ctx := c.UserContext()
	var m *store.Member
	var err error
	if id, perr := strconv.ParseInt(typed, 10, 64); perr == nil {
		m, err = h.Store.MemberByID(ctx, id)
	} else {
		m, err = h.Store.MemberByLogin(ctx, typed)
	}
	if err != nil {
		return nil, false
	}
	return &m.ID, true
}

// entryCreate writes a cash or cheque entry and its journal entry.
func (h *Handler) entryCreate(c *fiber.Ctx) error {
	f := views.EntryForm{Date: c.FormValue("date"), Direction: c.FormValue("direction"), Kind: c.FormValue("kind"),
		Method: c.FormValue("method"), Account: c.FormValue("account"), Amount: c.FormValue("amount"),
		Label: c.FormValue("label"), Counterparty: c.FormValue("counterparty"), DonorMember: c.FormValue("donor_member"),
		DonorName: c.FormValue("donor_name"), DonorAddress: c.FormValue("donor_address")}
	d := views.EntryFormData{Form: f, Errs: form.Errors{}, Defaults: h.entryDefaults()}
	errs := d.Errs
	errs.Required("date", f.Date)
	errs.Required("amount", f.Amount)
	o := &store.OtherEntry{Kind: f.Kind, Method: f.Method, Account: f.Account, Label: f.Label, Counterparty: f.Counterparty,
		DonorName: f.DonorName, DonorAddress: f.DonorAddress, CreatedBy: &user(c).ID}
	if f.Date != "" {
		o.Date = errs.Date("date", f.Date)
	}
	o.AmountCents = errs.Money("amount", f.Amount)
	errs.OneOf("direction", f.Direction, "in", "out")
	errs.OneOf("kind", f.Kind, store.OtherKinds...)
	errs.OneOf("method", f.Method, entries.MethodCash, entries.MethodCheque)
	if errs.Get("direction") == "" && errs.Get("kind") == "" && store.OtherIsIncome(f.Kind) != (f.Direction == "in") {
		errs.Add("kind", "entries.err.direction")
	}
	if f.Kind == store.OtherDonation {
		var ok bool
		if o.DonorMemberID, ok = h.donorMember(c, f.DonorMember); !ok {
			errs.Add("donor_member", "entries.err.donor_member")
		}
	}
	var closed *ledger.ClosedError
	if !errs.Any() {
		_, err := h.entries().Record(c.UserContext(), o, user(c).Login)
		var fe *entries.FieldError
		switch {
		case errors.As(err, &fe):
			errs.Add(fe.Field, fe.MessageID)
		case errors.As(err, &closed):
			d.Error = closed.Message(i18n.From(c.UserContext()))
		case err != nil:
			return err
		}
	}
	if errs.Any() || d.Error != "" {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "entries.new_title"), views.EntryNewPage(d))
	}
	h.Log.Info("other entry recorded", "entry", o.ID, "kind", o.Kind, "by", user(c).ID)
	h.flash(c, "entries.recorded", false)
	return h.redirect(c, fmt.Sprintf("/admin/accounting/entries/%d", o.ID))
}

// entryShow is an entry's page.
func (h *Handler) entryShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OtherEntryByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "entries.kind."+o.Kind),
		views.EntryPage(views.EntryData{Entry: o, TaxReceipts: h.Cfg.Receipts.TaxReceipts}))
}

// entryTaxReceipt issues the tax receipt of a donation with a donor.
func (h *Handler) entryTaxReceipt(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/accounting/entries/%d", id)
	_, _, err = h.Receipts.ForDonation(c.UserContext(), id)
	switch {
	case errors.Is(err, receipt.ErrNoTaxReceipts):
		h.flash(c, "receipt.err.no_tax", true)
		return h.redirect(c, back)
	case errors.Is(err, receipt.ErrNoDonor):
		h.flash(c, "entries.err.no_donor", true)
		return h.redirect(c, back)
	case errors.Is(err, receipt.ErrCancelledEntry):
		h.flash(c, "entries.err.cancelled", true)
		return h.redirect(c, back)
	case err != nil:
		return err
	}
	return h.redirect(c, back+"/tax-receipt.pdf")
}

// entryTaxReceiptPDF sends the stored tax receipt of a donation.
func (h *Handler) entryTaxReceiptPDF(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.sendDonationReceipt(c, id, nil)
}

// sendDonationReceipt sends a donation's stored receipt; with member set,
// only when the member is its donor.
func (h *Handler) sendDonationReceipt(c *fiber.Ctx, id int64, member *int64) error {
	ctx := c.UserContext()
	o, err := h.Store.OtherEntryByID(ctx, id)
	if err != nil {
		return err
	}
	if member != nil && (o.DonorMemberID == nil || *o.DonorMemberID != *member) {
		return fiber.ErrNotFound
	}
	pdf, err := h.Store.OtherReceiptPDF(ctx, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.pdf"`, strings.ReplaceAll(o.ReceiptNumber, `"`, "")))
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.Send(pdf)
}

// donationReceipt is a member's own donation tax receipt, issued the first
// time it is asked for.
func (h *Handler) donationReceipt(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	me := user(c).ID
	o, err := h.Store.OtherEntryByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if o.DonorMemberID == nil || *o.DonorMemberID != me {
		return fiber.ErrNotFound
	}
	if _, _, err := h.Receipts.ForDonation(c.UserContext(), id); errors.Is(err, receipt.ErrNoTaxReceipts) {
		h.flash(c, "receipt.err.no_tax", true)
		return h.redirect(c, "/membership")
	} else if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/donations/%d/receipt.pdf", id))
}

func (h *Handler) donationReceiptPDF(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.sendDonationReceipt(c, id, &user(c).ID)
}

// bankLineBook books a line of a pending import to an account instead of
// a member; htmx gets the new row.
func (h *Handler) bankLineBook(c *fiber.Ctx) error {
	imp, l, err := h.bankLine(c)
	if err != nil {
		return err
	}
	b := store.BankBooking{Kind: c.FormValue("kind"), Account: c.FormValue("account"), Label: c.FormValue("label"),
		Counterparty: c.FormValue("counterparty"), DonorName: c.FormValue("donor_name"), DonorAddress: c.FormValue("donor_address")}
	var msg string
	if b.Kind == store.OtherDonation {
		var ok bool
		if b.DonorMemberID, ok = h.donorMember(c, c.FormValue("donor_member")); !ok {
			msg = "entries.err.donor_member"
		}
	}
	var booked *store.BankImportLine
	if msg == "" {
		booked, err = h.Bank.BookLine(c.UserContext(), imp.ID, l.Position, b)
		var fe *entries.FieldError
		switch {
		case errors.As(err, &fe):
			msg = fe.MessageID
		case errors.Is(err, bank.ErrBadBooking):
			msg = "bank.err.bad_booking"
		default:
			msg = fixError(err)
		}
		if msg == "" && err != nil {
			return err
		}
	}
	if msg != "" {
		if bs, err := h.Store.BankBookings(c.UserContext(), imp.ID); err == nil {
			l.Booking = bs[l.Position]
		}
		d := views.BankLineEditData{Import: imp, Line: l, Error: msg}
		return h.lineEdit(c, fiber.StatusUnprocessableEntity, d)
	}
	return h.lineChanged(c, imp, booked, "bank.line_booked")
}

// entryCancel cancels an entry typed by mistake with a counter-entry.
func (h *Handler) entryCancel(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/accounting/entries/%d", id)
	_, err = h.entries().Cancel(c.UserContext(), id, user(c).Login)
	switch {
	case errors.Is(err, entries.ErrCancelled):
		h.flash(c, "entries.err.cancelled", true)
	case errors.Is(err, entries.ErrReceiptIssued):
		h.flash(c, "entries.err.cancel_receipt", true)
	case errors.Is(err, entries.ErrFromStatement):
		h.flash(c, "entries.err.cancel_statement", true)
	case err != nil:
		return err // a closed period gets its own page
	default:
		h.flash(c, "entries.cancelled", false)
	}
	return h.redirect(c, back)
}
