package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/views"
)

// mandatesPage lists a member's SEPA mandates with the form to add one.
func (h *Handler) mandatesPage(c *fiber.Ctx) error {
	m, err := h.memberParam(c)
	if err != nil {
		return err
	}
	d := views.MandatesData{Member: m, Values: map[string]string{"sequence_type": model.SeqFirst, "active": "1",
		"signature_date": date.Today(h.Cfg.Location()).String()}}
	return h.mandates(c, fiber.StatusOK, d)
}

func (h *Handler) memberParam(c *fiber.Ctx) (*store.Member, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.MemberByID(c.UserContext(), id)
}

func (h *Handler) mandates(c *fiber.Ctx, status int, d views.MandatesData) error {
	ms, err := h.Store.MandatesOfMember(c.UserContext(), d.Member.ID)
	if err != nil {
		return err
	}
	d.Mandates = ms
	return h.page(c, status, h.tr(c, "sepa.mandates"), views.Mandates(d))
}

// mandateEditPage fills the form with a mandate of the member.
func (h *Handler) mandateEditPage(c *fiber.Ctx) error {
	m, d, err := h.mandateParam(c)
	if err != nil {
		return err
	}
	active := ""
	if d.Active {
		active = "1"
	}
	return h.mandates(c, fiber.StatusOK, views.MandatesData{Member: m, Edit: d, Values: map[string]string{
		"reference": d.Reference, "signature_date": d.SignatureDate.String(), "iban": d.IBAN, "bic": d.BIC,
		"sequence_type": d.SequenceType, "active": active}})
}

func (h *Handler) mandateParam(c *fiber.Ctx) (*store.Member, *store.Mandate, error) {
	m, err := h.memberParam(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(c.Params("mandate"), 10, 64)
	if err != nil {
		return nil, nil, fiber.ErrNotFound
	}
	d, err := h.Store.MandateByID(c.UserContext(), m.ID, id)
	return m, d, err
}

// mandateCreate records a new mandate of the member.
func (h *Handler) mandateCreate(c *fiber.Ctx) error {
	m, err := h.memberParam(c)
	if err != nil {
		return err
	}
	return h.saveMandate(c, m, &store.Mandate{MemberID: m.ID}, nil)
}

// mandateEdit changes a mandate of the member.
func (h *Handler) mandateEdit(c *fiber.Ctx) error {
	m, d, err := h.mandateParam(c)
	if err != nil {
		return err
	}
	return h.saveMandate(c, m, d, d)
}

func (h *Handler) saveMandate(c *fiber.Ctx, m *store.Member, d, editing *store.Mandate) error {
	in := sepa.MandateInput{Reference: c.FormValue("reference"), SignatureDate: c.FormValue("signature_date"),
		IBAN: c.FormValue("iban"), BIC: c.FormValue("bic"), SequenceType: c.FormValue("sequence_type"),
		Active: c.FormValue("active") == "1"}
	values := map[string]string{"reference": in.Reference, "signature_date": in.SignatureDate, "iban": in.IBAN,
		"bic": in.BIC, "sequence_type": in.SequenceType, "active": c.FormValue("active")}
	errs, err := h.SEPA.SaveMandate(c.UserContext(), d, in, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.mandates(c, fiber.StatusUnprocessableEntity, views.MandatesData{Member: m, Edit: editing, Values: values, Errs: errs})
	}
	h.flash(c, "sepa.saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d/mandates", m.ID))
}

// mandateResume lifts the suspension two returned debits in a row put on
// a mandate.
func (h *Handler) mandateResume(c *fiber.Ctx) error {
	m, d, err := h.mandateParam(c)
	if err != nil {
		return err
	}
	if err := h.SEPA.ResumeMandate(c.UserContext(), m.ID, d.ID, user(c).Login); err != nil {
		return err
	}
	h.flash(c, "sepa.mandate.resumed", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d/mandates", m.ID))
}
