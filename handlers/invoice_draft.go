package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/billing"
	"coin/form"
	"coin/i18n"
	"coin/model"
	"coin/store"
	"coin/views"
)

// draftRows is how many line rows the one-off invoice form shows.
const draftRows = 6

func (h *Handler) draftForm(c *fiber.Ctx, status int, d views.DraftFormData) error {
	for len(d.Lines) < draftRows {
		d.Lines = append(d.Lines, map[string]string{"quantity": "", "tax_rate": ""})
	}
	return h.page(c, status, h.tr(c, "invoices.new"), views.DraftForm(d))
}

func (h *Handler) invoiceNewPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d := views.DraftFormData{Search: c.Query("member_q")}
	if id, _ := strconv.ParseInt(c.Query("member_id"), 10, 64); id > 0 {
		m, err := h.Store.MemberByID(ctx, id)
		if err != nil {
			return err
		}
		d.Member = m
	} else if d.Search != "" {
		ms, _, err := h.Store.ListMembers(ctx, store.MemberFilter{Search: d.Search, Limit: 20})
		if err != nil {
			return err
		}
		d.Members = ms
	}
	return h.draftForm(c, fiber.StatusOK, d)
}

// readDraftLines reads and checks the line rows; blank rows are skipped.
// problem is the message key for the whole form, "" when all is well.
func (h *Handler) readDraftLines(c *fiber.Ctx) (inputs []billing.LineInput, rows []map[string]string, errs []form.Errors, problem string) {
	bad := false
	defaultRate := i18n.From(c.UserContext()).AmountInput(int64(h.Cfg.Billing.TaxRateBP()))
	for i := 0; i < 50; i++ {
		p := "line" + strconv.Itoa(i) + "_"
		row := map[string]string{"label": strings.TrimSpace(c.FormValue(p + "label")), "quantity": strings.TrimSpace(c.FormValue(p + "quantity")),
			"unit_price": strings.TrimSpace(c.FormValue(p + "unit_price")), "tax_rate": strings.TrimSpace(c.FormValue(p + "tax_rate"))}
		if row["label"] == "" && row["unit_price"] == "" {
			if i >= draftRows {
				break
			}
			continue
		}
		e := form.Errors{}
		e.Required("label", row["label"])
		e.MaxLen("label", row["label"], 300)
		qty := int64(1)
		if row["quantity"] != "" {
			n, err := strconv.ParseInt(row["quantity"], 10, 64)
			if err != nil || n < 1 || n > billing.MaxQuantity {
				e.Add("quantity", "err.quantity_invalid")
			}
			qty = n
		}
		e.Required("unit_price", row["unit_price"])
		price := e.Money("unit_price", row["unit_price"])
		if e.Get("unit_price") == "" && (price > billing.MaxUnitPriceCents || price < -billing.MaxUnitPriceCents) {
			e.Add("unit_price", "err.unit_price_too_large")
		}
		if row["tax_rate"] == "" {
			row["tax_rate"] = defaultRate
		}
		rate := e.Money("tax_rate", row["tax_rate"])
		if rate < 0 || rate > 10000 {
			e.Add("tax_rate", "err.rate_invalid")
		}
		rows = append(rows, row)
		errs = append(errs, e)
		bad = bad || e.Any()
		inputs = append(inputs, billing.LineInput{Label: row["label"], Quantity: qty, UnitPriceCents: price, TaxRateBP: int(rate)})
	}
	switch {
	case bad || len(inputs) == 0:
		return inputs, rows, errs, "invoices.lines_invalid"
	case billing.CheckLines(inputs) != nil:
		// Each line is within bounds: the total is zero or less.
		return inputs, rows, errs, "invoices.total_not_positive"
	}
	return inputs, rows, errs, ""
}

func (h *Handler) invoiceCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, _ := strconv.ParseInt(c.FormValue("member_id"), 10, 64)
	m, err := h.Store.MemberByID(ctx, id)
	if err != nil {
		return err
	}
	inputs, rows, lineErrs, problem := h.readDraftLines(c)
	if problem != "" {
		return h.draftForm(c, fiber.StatusUnprocessableEntity, views.DraftFormData{Member: m, Lines: rows,
			LineErrs: lineErrs, Errs: form.Errors{"lines": problem}})
	}
	inv, err := h.Billing.CreateDraft(ctx, m.ID, inputs, user(c).Login)
	if err != nil {
		return err
	}
	h.flash(c, "invoices.draft_saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", inv.ID))
}

func (h *Handler) invoiceEditPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inv, err := h.Store.InvoiceByID(ctx, id)
	if err != nil {
		return err
	}
	if inv.Status != model.InvoiceDraft {
		return fiber.ErrNotFound
	}
	m, err := h.Store.MemberByID(ctx, inv.MemberID)
	if err != nil {
		return err
	}
	lines, err := h.Store.InvoiceLines(ctx, id)
	if err != nil {
		return err
	}
	var rows []map[string]string
	locale := i18n.From(ctx)
	for _, l := range lines {
		rows = append(rows, map[string]string{"label": l.Label, "quantity": strconv.FormatInt(l.Quantity, 10),
			"unit_price": locale.AmountInput(l.UnitPriceCents), "tax_rate": locale.AmountInput(int64(l.TaxRateBP))})
	}
	return h.draftForm(c, fiber.StatusOK, views.DraftFormData{ID: id, Member: m, Lines: rows})
}

func (h *Handler) invoiceEdit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inv, err := h.Store.InvoiceByID(ctx, id)
	if err != nil {
		return err
	}
	m, err := h.Store.MemberByID(ctx, inv.MemberID)
	if err != nil {
		return err
	}
	inputs, rows, lineErrs, problem := h.readDraftLines(c)
	if problem != "" {
		return h.draftForm(c, fiber.StatusUnprocessableEntity, views.DraftFormData{ID: id, Member: m, Lines: rows,
			LineErrs: lineErrs, Errs: form.Errors{"lines": problem}})
	}
	if err := h.Billing.UpdateDraft(ctx, id, inputs); errors.Is(err, store.ErrConflict) {
		return h.invoiceDetail(c, fiber.StatusConflict, id, nil, nil, "invoices.already_validated")
	} else if err != nil {
		return err
	}
	h.flash(c, "invoices.draft_saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/invoices/%d", id))
}
