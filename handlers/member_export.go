package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/csvsafe"
	"coin/date"
	"coin/importer"
	"coin/model"
	"coin/store"
)

// memberFilter reads the member list's filters from the query.
func memberFilter(c *fiber.Ctx) store.MemberFilter {
	return memberFilterOf(func(key string) string { return c.Query(key) })
}

// memberFilterOf reads the member list's filters (value gives a
// parameter's value: the query, or a form carrying them); unknown sorts
// and statuses are dropped.
func memberFilterOf(value func(key string) string) store.MemberFilter {
	f := store.MemberFilter{Search: value("q"), Status: value("status"), Sort: value("sort"), Desc: value("desc") == "1"}
	if _, ok := store.MemberSorts[f.Sort]; !ok {
		f.Sort = ""
	}
	switch f.Status {
	case "", model.StatusPending, model.StatusMember, model.StatusNotMember:
	default:
		f.Status = ""
	}
	return f
}

// memberExport sends the members matching the list's filters as CSV in
// the layout the importer reads with the "coin" profile, a page of the
// list at a time.
func (h *Handler) memberExport(c *fiber.Ctx) error {
	f := memberFilter(c)
	f.Limit = 500
	today := date.Today(h.Cfg.Location())
	if err := audit.Export(c.UserContext(), h.Store, "export.members_csv", "", nil, store.Change{Field: "search", New: f.Search},
		store.Change{Field: "status", New: f.Status}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="members-`+today.String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csvsafe.NewWriter(c.Response().BodyWriter())
	if err := w.Write(importer.MemberColumns); err != nil {
		return err
	}
	for {
		members, total, err := h.Store.ListMembers(c.UserContext(), f)
		if err != nil {
			return err
		}
		for _, m := range members {
			if !importer.Exportable(m) {
				continue
			}
			if err := w.Write(importer.MemberRecord(m)); err != nil {
				return err
			}
		}
		f.Offset += f.Limit
		if f.Offset >= total || len(members) == 0 {
			break
		}
	}
	return w.Flush()
}
