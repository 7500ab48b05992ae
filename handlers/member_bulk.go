package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/bulkmail"
	"coin/csvsafe"
	"coin/date"
	"coin/importer"
	"coin/model"
	"coin/store"
	"coin/views"
)

// bulkSelection reads the members chosen on the list: the ticked ones, or
// with all=1 every member matching the list's filters (at most
// bulkmail.MaxRecipients, one past it to tell it is too many).
func (h *Handler) bulkSelection(c *fiber.Ctx) ([]int64, error) {
	if c.FormValue("all") == "1" {
		f := memberFilterOf(func(key string) string { return c.FormValue(key) })
		f.Limit = bulkmail.MaxRecipients + 1
		ms, _, err := h.Store.ListMembers(c.UserContext(), f)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		return ids, nil
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, v := range c.Request().PostArgs().PeekMulti("id") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// memberBulk acts on the members chosen on the list: e-mail them (the
// compose page), change their status, or export them.
func (h *Handler) memberBulk(c *fiber.Ctx) error {
	ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	back := "/admin/members"
	if len(ids) == 0 {
		h.flash(c, "bulk.err.none", true)
		return h.redirect(c, back)
	}
	if len(ids) > bulkmail.MaxRecipients {
		h.flash(c, "bulk.err.too_many", true)
		return h.redirect(c, back)
	}
	switch c.FormValue("action") {
	case "email":
		return h.page(c, fiber.StatusOK, h.tr(c, "bulk.email_title"), views.BulkEmail(views.BulkEmailData{IDs: ids,
			Action: "/admin/members/bulk/email", Back: "/admin/members"}))
	case "export":
		return h.memberExportSelection(c, ids)
	case "status":
		status := c.FormValue("new_status")
		switch status {
		case model.StatusPending, model.StatusMember, model.StatusNotMember:
		default:
			h.flash(c, "bulk.err.status", true)
			return h.redirect(c, back)
		}
		if _, err := h.Members.SetStatus(c.UserContext(), ids, status, user(c)); err != nil {
			return err
		}
		h.flash(c, "bulk.status_changed", false)
		return h.redirect(c, back)
	}
	return fiber.ErrBadRequest
}

// memberBulkEmail previews or sends the message composed for the chosen
// members.
func (h *Handler) memberBulkEmail(c *fiber.Ctx) error {
	return h.bulkEmail(c, views.BulkEmailData{Action: "/admin/members/bulk/email", Back: "/admin/members"})
}

// invoiceBulkEmail writes to the members of the invoices matching the
// invoice list's filters (the overdue ones, say): the compose page first,
// then its preview and sending.
func (h *Handler) invoiceBulkEmail(c *fiber.Ctx) error {
	d := views.BulkEmailData{Action: "/admin/invoices/bulk/email", Back: "/admin/invoices"}
	if c.FormValue("action") == "" {
		f, _ := h.invoiceFilterOf(c.FormValue)
		ids, err := h.Store.InvoiceMemberIDs(c.UserContext(), f, bulkmail.MaxRecipients+1)
		if err != nil {
			return err
		}
		d.IDs = ids
		return h.page(c, fiber.StatusOK, h.tr(c, "bulk.email_title"), views.BulkEmail(d))
	}
	return h.bulkEmail(c, d)
}

func (h *Handler) bulkEmail(c *fiber.Ctx, d views.BulkEmailData) error {
	ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	msg := bulkmail.Message{Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	d.IDs, d.Subject, d.Body = ids, msg.Subject, msg.Body
	if c.FormValue("action") == "send" {
		_, errs, err := h.BulkMail.Send(c.UserContext(), ids, msg, user(c))
		if err != nil {
			return err
		}
		if !errs.Any() {
			h.flash(c, "bulk.sent", false)
			return h.redirect(c, "/admin/outbox")
		}
		d.Errs = errs
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "bulk.email_title"), views.BulkEmail(d))
	}
	if len(ids) > 0 {
		m, err := h.Store.MemberByID(c.UserContext(), ids[0])
		if err != nil {
			return err
		}
		preview, errs, err := h.BulkMail.Preview(c.UserContext(), m, msg)
		if err != nil {
			return err
		}
		d.Preview, d.Errs = preview, errs
		if errs.Any() {
			return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "bulk.email_title"), views.BulkEmail(d))
		}
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "bulk.email_title"), views.BulkEmail(d))
}

// memberExportSelection sends the chosen members as CSV in the layout of
// the members' export (the one the importer reads), cells a spreadsheet
// would run disarmed.
func (h *Handler) memberExportSelection(c *fiber.Ctx, ids []int64) error {
	if !auth.Can(user(c).Role, auth.ExportMembers) {
		return fiber.ErrForbidden
	}
	var members []*store.Member
	for _, id := range ids {
		m, err := h.Store.MemberByID(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the list was shown
		}
		if err != nil {
			return err
		}
		members = append(members, m)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="members-`+date.Today(h.Cfg.Location()).String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csvsafe.NewWriter(c.Response().BodyWriter())
	if err := importer.WriteMembers(w, members); err != nil {
		return err
	}
	return w.Flush()
}
