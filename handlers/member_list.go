package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

const membersPerPage = 25

// memberList shows the searchable, sortable, paged list. The search box and
// the sort and page links ask htmx for the table alone.
func (h *Handler) memberList(c *fiber.Ctx) error {
	page := pageParam(c)
	f := memberFilter(c)
	f.Limit, f.Offset = membersPerPage, pageOffset(page, membersPerPage)
	members, total, err := h.Store.ListMembers(c.UserContext(), f)
	if err != nil {
		return err
	}
	d := views.MemberListData{Members: members, Total: total, Filter: f, Page: page, PerPage: membersPerPage}
	if hxTarget(c) == "member-table" {
		c.Set("HX-Push-Url", c.OriginalURL())
		return h.partial(c, fiber.StatusOK, views.MemberTable(d))
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "members.title"), views.MemberList(d))
}
