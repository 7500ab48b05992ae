package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/model"
	"coin/store"
)

// autoSubscribe puts a member whose status just became member on the lists
// named in maillists.auto_subscribe. The lists are marked for a push in the
// same transaction and pushed by the scheduled sync, as for any status
// change. A failure is logged: the member's own change is already saved.
func (h *Handler) autoSubscribe(c *fiber.Ctx, m *store.Member, wasMember bool) {
	names := h.Cfg.Maillists.AutoSubscribe
	if !h.Cfg.Maillists.Enabled || len(names) == 0 || wasMember || m.Status != model.StatusMember {
		return
	}
	ids, err := h.Store.SubscribeToLists(c.UserContext(), m.ID, names)
	if err != nil {
		h.Log.Error("automatic mailing list subscription", "member", m.ID, "err", err)
		return
	}
	if len(ids) > 0 {
		h.Log.Info("member subscribed to mailing lists automatically", "member", m.ID, "lists", ids)
	}
}
