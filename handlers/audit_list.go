package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/form"
	"coin/store"
	"coin/views"
)

// auditPerPage is a page of /admin/audit; memberHistoryLen the entries a
// member's page shows.
const (
	auditPerPage     = 50
	memberHistoryLen = 10
)

// auditList is the audit log of staff actions, newest first, filtered by
// record (type and id, or a member and what belongs to them), by the staff
// login who acted and by dates (days in the ISP's time zone, both
// included). Pages go by id ("before"), each read through an index.
func (h *Handler) auditList(c *fiber.Ctx) error {
	q := views.AuditQuery{RecordType: strings.TrimSpace(c.Query("type")), RecordID: c.Query("id"),
		Member: c.Query("member"), Staff: strings.TrimSpace(c.Query("staff")), From: c.Query("from"), To: c.Query("to")}
	errs := form.Errors{}
	f := store.AuditFilter{RecordType: q.RecordType, Limit: auditPerPage + 1}
	if q.RecordID != "" {
		f.RecordID, _ = strconv.ParseInt(q.RecordID, 10, 64)
		if f.RecordID <= 0 || f.RecordType == "" {
			errs.Add("id", "audit.err.record")
		}
	}
	if q.Member != "" {
		if f.MemberID, _ = strconv.ParseInt(q.Member, 10, 64); f.MemberID <= 0 {
			errs.Add("member", "audit.err.record")
		}
	}
	loc := h.Cfg.Location()
	if from := errs.Date("from", q.From); !from.IsZero() {
		f.From = dayStart(from, loc)
	}
	if to := errs.Date("to", q.To); !to.IsZero() {
		f.To = dayStart(to.AddDays(1), loc)
	}
	f.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	ctx := c.UserContext()
	d := views.AuditData{Query: q, Errs: errs}
	if q.Staff != "" && !errs.Any() {
		m, err := h.Store.MemberByLogin(ctx, q.Staff)
		if errors.Is(err, store.ErrNotFound) {
			return h.page(c, fiber.StatusOK, h.tr(c, "audit.title"), views.AuditPage(d))
		}
		if err != nil {
			return err
		}
		f.ActorID = m.ID
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "audit.title"), views.AuditPage(d))
	}
	entries, err := h.Store.AuditEntries(ctx, f)
	if err != nil {
		return err
	}
	if len(entries) > auditPerPage {
		entries = entries[:auditPerPage]
		d.Next = entries[len(entries)-1].ID
	}
	d.Entries = entries
	return h.page(c, fiber.StatusOK, h.tr(c, "audit.title"), views.AuditPage(d))
}

// dayStart is the first instant of day d in loc.
func dayStart(d date.Date, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}
