package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/store"
)

// autoSubscribe puts a member whose status just became member on the lists
// named in maillists.auto_subscribe (maillists.Service.SubscribeNewMember).
// A failure is logged: the member's own change is already saved.
func (h *Handler) autoSubscribe(c *fiber.Ctx, m *store.Member, wasMember bool) {
	if err := h.MailLists.SubscribeNewMember(c.UserContext(), m, wasMember); err != nil {
		h.Log.Error("automatic mailing list subscription", "member", m.ID, "err", err)
	}
}
