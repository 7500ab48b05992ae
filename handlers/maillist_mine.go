package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/maillists"
	"coin/model"
	"coin/store"
	"coin/views"
)

// myLists shows the lists a member may join and those they are on.
func (h *Handler) myLists(c *fiber.Ctx) error {
	m := user(c)
	lists, err := h.Store.MemberMailingLists(c.UserContext(), m.ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "maillists.mine"), views.MyLists(views.MyListsData{
		Lists: lists, IsMember: m.Status == model.StatusMember}))
}

// myListToggle subscribes the member to a list (subscribe=1) or takes them
// off it (subscribe=0), then pushes the list. A closed list takes no new
// subscriber, and one the member cannot see answers 404.
func (h *Handler) myListToggle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m := user(c)
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var subscribe bool
	switch c.FormValue("subscribe") {
	case "1":
		subscribe = true
	case "0":
	default:
		if _, err := h.Store.MemberMailingList(ctx, id, m.ID); err != nil {
			return err
		}
		return fiber.ErrBadRequest
	}
	r, err := h.MailLists.Choose(ctx, m, id, subscribe)
	if errors.Is(err, maillists.ErrClosed) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	late := r.Changed && !r.Pushed
	if hxTarget(c) == "list-"+c.Params("id") {
		ml, err := h.Store.MemberMailingList(ctx, id, m.ID)
		if errors.Is(err, store.ErrNotFound) && !subscribe {
			// A list closed to members, left: the member no longer sees it.
			l, err := h.Store.MailingListByID(ctx, id)
			if err != nil {
				return err
			}
			return h.partial(c, fiber.StatusOK, views.MyListLeft(l))
		}
		if err != nil {
			return err
		}
		return h.partial(c, fiber.StatusOK, views.MyListRow(ml, late && m.Status == model.StatusMember))
	}
	switch {
	case late && m.Status == model.StatusMember:
		h.flash(c, "maillists.mine_later", false)
	case c.FormValue("subscribe") == "1":
		h.flash(c, "maillists.mine_subscribed", false)
	default:
		h.flash(c, "maillists.mine_unsubscribed", false)
	}
	return h.redirect(c, "/lists")
}
