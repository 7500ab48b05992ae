package handlers

import (
	"errors"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"

	"coin/bank"
	"coin/billing"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/views"
)

func (h *Handler) bankUploadData(format string) views.BankUploadData {
	d := views.BankUploadData{Format: format, MaxSize: h.Cfg.Bank.MaxFileSize}
	if d.Format == "" {
		d.Format = h.Cfg.Bank.DefaultProfile
	}
	for _, f := range bank.Formats(h.Cfg.Bank.Profiles) {
		label := "CAMT.053 (XML ISO 20022)"
		if p, ok := h.Cfg.Bank.Profiles[f]; ok {
			label = "CSV · " + f
			if p.Label != "" {
				label = "CSV · " + p.Label
			}
		}
		d.Formats = append(d.Formats, views.Option{Value: f, Label: label})
	}
	return d
}

// bankImportsPerPage is how many past imports the history shows at once.
const bankImportsPerPage = 25

// bankUploadPage shows the statement upload form and the past imports.
func (h *Handler) bankUploadPage(c *fiber.Ctx) error {
	d := h.bankUploadData(c.Query("format"))
	hist, err := h.Store.ConfirmedBankImports(c.UserContext(), int64(c.QueryInt("before")), bankImportsPerPage+1)
	if err != nil {
		return err
	}
	if len(hist) > bankImportsPerPage {
		hist = hist[:bankImportsPerPage]
		d.Older = hist[len(hist)-1].ID
	}
	d.History = hist
	return h.page(c, fiber.StatusOK, h.tr(c, "bank.title"), views.BankUpload(d))
}

// bankUpload parses and matches an uploaded statement and keeps the
// preview; a refused file writes nothing and says why.
func (h *Handler) bankUpload(c *fiber.Ctx) error {
	format := c.FormValue("format")
	refuse := func(msg, detail string) error {
		d := h.bankUploadData(format)
		d.Error, d.Detail = msg, detail
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "bank.title"), views.BankUpload(d))
	}
	fh, err := c.FormFile("statement")
	if err != nil || fh.Size == 0 {
		return refuse("bank.err.no_file", "")
	}
	if fh.Size > h.Cfg.Bank.MaxFileSize {
		return refuse("bank.err.too_large", fmt.Sprintf("%d > %d bytes", fh.Size, h.Cfg.Bank.MaxFileSize))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, h.Cfg.Bank.MaxFileSize+1))
	f.Close()
	if err != nil {
		return err
	}
	imp, _, err := h.Bank.Preview(c.UserContext(), fh.Filename, format, data, &user(c).ID)
	var be *bank.Error
	if errors.As(err, &be) {
		return refuse(be.MessageID(), be.Error())
	}
	if err != nil {
		return err
	}
	h.Log.Info("bank statement previewed", "import", imp.ID, "file", fh.Filename, "format", format, "by", user(c).ID)
	return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", imp.ID))
}

// bankImportData reads an import, its lines and the names of candidates.
func (h *Handler) bankImportData(c *fiber.Ctx, id int64) (views.BankImportData, error) {
	ctx := c.UserContext()
	imp, err := h.Store.BankImportByID(ctx, id)
	if err != nil {
		return views.BankImportData{}, err
	}
	lines, err := h.Store.BankImportLines(ctx, id)
	if err != nil {
		return views.BankImportData{}, err
	}
	names, err := h.candidateNames(c, lines...)
	if err != nil {
		return views.BankImportData{}, err
	}
	bookings, err := h.Store.BankBookings(ctx, id)
	if err != nil {
		return views.BankImportData{}, err
	}
	for _, l := range lines {
		l.Booking = bookings[l.Position]
	}
	d := views.BankImportData{Import: imp, Lines: lines, Names: names,
		Expired: imp.Status == model.ImportPending && h.Store.Now().After(imp.ExpiresAt)}
	if imp.Status == model.ImportConfirmed {
		if d.Payments, err = h.Store.BankImportPayments(ctx, id); err != nil {
			return d, err
		}
		if d.Entries, err = h.Store.ImportEntries(ctx, id); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (h *Handler) candidateNames(c *fiber.Ctx, lines ...*store.BankImportLine) (map[int64]string, error) {
	var ids []int64
	for _, l := range lines {
		ids = append(ids, l.Candidates...)
	}
	ms, err := h.Store.MembersByIDs(c.UserContext(), ids)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(ms))
	for id, m := range ms {
		names[id] = m.DisplayName()
	}
	return names, nil
}

// bankImportShow is the preview of an import (or what a confirmed one did).
func (h *Handler) bankImportShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := h.bankImportData(c, id)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "bank.preview_title"), views.BankImport(d))
}

// bankImportConfirm imports the matched lines, in one transaction.
func (h *Handler) bankImportConfirm(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	sum, err := h.Bank.Confirm(c.UserContext(), id, bank.ActorOf(user(c)))
	switch {
	case errors.Is(err, bank.ErrNotPending):
		h.flash(c, "bank.err.not_pending", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case errors.Is(err, bank.ErrExpired):
		h.flash(c, "bank.err.expired", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case errors.Is(err, sepa.ErrSharedPayment):
		h.flash(c, "bank.err.return_shared", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case errors.Is(err, sepa.ErrNotCredited):
		h.flash(c, "bank.err.return_not_credited", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case errors.Is(err, billing.ErrPaysFee):
		h.flash(c, "bank.err.return_fee", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case errors.Is(err, store.ErrConflict):
		// Another import recorded one of these lines at the same moment.
		h.flash(c, "bank.err.conflict", true)
		return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
	case err != nil:
		return err
	}
	h.Log.Info("bank statement confirmed", "import", id, "payments", sum.Payments, "by", user(c).ID)
	h.flash(c, "bank.imported", false)
	return h.redirect(c, fmt.Sprintf("/admin/bank-imports/%d", id))
}
