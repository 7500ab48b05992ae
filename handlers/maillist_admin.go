package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/maillists"
	"coin/store"
	"coin/views"
)

// syncLogSize is how many runs a list's page shows.
const syncLogSize = 20

func (h *Handler) listIndex(c *fiber.Ctx) error {
	lists, err := h.Store.MailingLists(c.UserContext())
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "maillists.title"), views.Lists(views.ListsData{
		Lists: lists, Configured: h.Lists.Configured()}))
}

func (h *Handler) listFromParam(c *fiber.Ctx) (*store.MailingList, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.MailingListByID(c.UserContext(), id)
}

func (h *Handler) listShow(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	return h.listPage(c, fiber.StatusOK, views.ListData{List: l})
}

func (h *Handler) listPage(c *fiber.Ctx, status int, d views.ListData) error {
	ctx := c.UserContext()
	var err error
	if d.Subscribers, err = h.Store.ListSubscribers(ctx, d.List.ID); err != nil {
		return err
	}
	if d.Runs, err = h.Store.ListSyncs(ctx, d.List.ID, syncLogSize); err != nil {
		return err
	}
	if d.Members, err = h.Store.LendableMembers(ctx); err != nil {
		return err
	}
	d.Configured = h.Lists.Configured()
	return h.page(c, status, d.List.Name, views.ListPage(d))
}

// listForm reads the list form.
func listForm(c *fiber.Ctx) maillists.ListForm {
	return maillists.ListForm{ShortName: c.FormValue("short_name"), Email: c.FormValue("email"),
		Name: c.FormValue("name"), Description: c.FormValue("description"), Open: c.FormValue("open") == "1"}
}

// saveList saves the list form into l, or shows it again with its errors.
func (h *Handler) saveList(c *fiber.Ctx, l *store.MailingList, done string) error {
	f := listForm(c)
	id := l.ID
	errs, err := h.MailLists.SaveList(c.UserContext(), l, f, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		f = f.Clean()
		return h.listFormPage(c, fiber.StatusUnprocessableEntity, views.ListFormData{ShortName: f.ShortName,
			Email: f.Email, Name: f.Name, Description: f.Description, Open: f.Open, ID: id, Errs: errs})
	}
	h.flash(c, done, false)
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
}

func (h *Handler) listFormPage(c *fiber.Ctx, status int, d views.ListFormData) error {
	if hxTarget(c) == "list-form" {
		return h.partial(c, status, views.ListForm(d))
	}
	title := h.tr(c, "maillists.new")
	if d.ID != 0 {
		title = h.trf(c, "maillists.edit_title", map[string]any{"Name": d.Name})
	}
	return h.page(c, status, title, views.ListFormPage(d))
}

func (h *Handler) listNewPage(c *fiber.Ctx) error {
	return h.listFormPage(c, fiber.StatusOK, views.ListFormData{Open: true})
}

func (h *Handler) listCreate(c *fiber.Ctx) error {
	return h.saveList(c, &store.MailingList{}, "maillists.created")
}

func (h *Handler) listEditPage(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	return h.listFormPage(c, fiber.StatusOK, views.ListFormData{ShortName: l.ShortName, Email: l.Email,
		Name: l.Name, Description: l.Description, Open: l.Open, ID: l.ID})
}

func (h *Handler) listEdit(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	return h.saveList(c, l, "maillists.saved")
}

func (h *Handler) listDeletePage(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "common.delete"), views.ListDeleteConfirm(l))
}

func (h *Handler) listDelete(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	if err := h.MailLists.DeleteList(c.UserContext(), l, user(c)); err != nil {
		return err
	}
	h.flash(c, "maillists.deleted", false)
	return h.redirect(c, "/admin/lists")
}

// listSyncNow pushes a list at once, whatever its state.
func (h *Handler) listSyncNow(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	run, err := h.Lists.Sync(c.UserContext(), l.ID)
	switch {
	case errors.Is(err, maillists.ErrNoCommand):
		h.flash(c, "maillists.not_configured", true)
	case errors.Is(err, maillists.ErrBusy):
		h.flash(c, "maillists.busy", true)
	case err != nil:
		return err
	case run.OK():
		h.flash(c, "maillists.synced", false)
	default:
		h.flash(c, "maillists.sync_failed", true)
	}
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
}

// listAddSubscriber puts a member, named by login, on the list and pushes it.
func (h *Handler) listAddSubscriber(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	login := strings.ToLower(trimmed(c, "member"))
	r, errs, err := h.MailLists.AddSubscriber(c.UserContext(), l, login, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.listPage(c, fiber.StatusUnprocessableEntity, views.ListData{List: l, Add: login, Errs: errs})
	}
	if r.Changed {
		h.flashPushed(c, r, "maillists.subscriber_added")
	} else {
		h.flash(c, "maillists.already_subscribed", false)
	}
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
}

func (h *Handler) listRemoveSubscriber(c *fiber.Ctx) error {
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	memberID, err := strconv.ParseInt(c.Params("member"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	r, err := h.MailLists.RemoveSubscriber(c.UserContext(), l, memberID, user(c))
	if err != nil {
		return err
	}
	if !r.Changed {
		return fiber.ErrNotFound
	}
	h.flashPushed(c, r, "maillists.subscriber_removed")
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
}

// flashPushed says how the push after a staff change went.
func (h *Handler) flashPushed(c *fiber.Ctx, r *maillists.Result, done string) {
	if r.Pushed {
		h.flash(c, done, false)
	} else {
		h.flash(c, "maillists.saved_not_pushed", true)
	}
}
