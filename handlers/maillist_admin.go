package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/config"
	"coin/form"
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

// listForm reads and checks the list form; when valid it fills l.
func listForm(c *fiber.Ctx, l *store.MailingList) views.ListFormData {
	d := views.ListFormData{ShortName: strings.ToLower(trimmed(c, "short_name")), Email: trimmed(c, "email"),
		Name: trimmed(c, "name"), Description: trimmed(c, "description"), Open: c.FormValue("open") == "1",
		ID: l.ID, Errs: form.Errors{}}
	d.Errs.Required("name", d.Name)
	d.Errs.MaxLen("name", d.Name, 200)
	d.Errs.Required("short_name", d.ShortName)
	if d.ShortName != "" && !config.ListShortName.MatchString(d.ShortName) {
		d.Errs.Add("short_name", "maillists.err.short_name_invalid")
	}
	d.Errs.Required("email", d.Email)
	d.Email = d.Errs.Email("email", d.Email)
	d.Errs.MaxLen("email", d.Email, 200)
	d.Errs.MaxLen("description", d.Description, 2000)
	if !d.Errs.Any() {
		l.ShortName, l.Email, l.Name, l.Description, l.Open = d.ShortName, d.Email, d.Name, d.Description, d.Open
	}
	return d
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
	l := &store.MailingList{}
	d := listForm(c, l)
	if !d.Errs.Any() {
		err := h.Store.CreateMailingList(c.UserContext(), l)
		if errors.Is(err, store.ErrConflict) {
			d.Errs.Add("short_name", "maillists.err.taken")
		} else if err != nil {
			return err
		}
	}
	if d.Errs.Any() {
		return h.listFormPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.Log.Info("mailing list created", "list", l.ShortName, "by", user(c).ID)
	h.flash(c, "maillists.created", false)
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
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
	d := listForm(c, l)
	if !d.Errs.Any() {
		err := h.Store.UpdateMailingList(c.UserContext(), l)
		if errors.Is(err, store.ErrConflict) {
			d.Errs.Add("short_name", "maillists.err.taken")
		} else if err != nil {
			return err
		}
	}
	if d.Errs.Any() {
		return h.listFormPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.flash(c, "maillists.saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
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
	if err := h.Store.DeleteMailingList(c.UserContext(), l.ID); err != nil {
		return err
	}
	h.Log.Info("mailing list deleted", "list", l.ShortName, "by", user(c).ID)
	h.flash(c, "maillists.deleted", false)
	return h.redirect(c, "/admin/lists")
}

// pushList runs the sync command for a list after a committed change and
// tells whether the list server has it now. A failure is recorded on the
// list and retried later; only what prevents recording is an error.
func (h *Handler) pushList(ctx context.Context, listID int64) (bool, error) {
	run, err := h.Lists.Sync(ctx, listID)
	switch {
	case errors.Is(err, maillists.ErrNoCommand):
		return true, nil
	case errors.Is(err, maillists.ErrBusy):
		return false, nil
	case err != nil:
		return false, err
	}
	return run.OK(), nil
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
	ctx := c.UserContext()
	l, err := h.listFromParam(c)
	if err != nil {
		return err
	}
	login := strings.ToLower(trimmed(c, "member"))
	m, err := h.Store.MemberByLogin(ctx, login)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		errs := form.Errors{"member": "hardware.err.no_such_member"}
		if login == "" {
			errs = form.Errors{"member": "err.required"}
		}
		return h.listPage(c, fiber.StatusUnprocessableEntity, views.ListData{List: l, Add: login, Errs: errs})
	}
	changed, err := h.Store.Subscribe(ctx, l.ID, m.ID)
	if err != nil {
		return err
	}
	if changed {
		h.Log.Info("mailing list subscriber added", "list", l.ShortName, "member", m.ID, "by", user(c).ID)
		h.flashPushed(c, l.ID, "maillists.subscriber_added")
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
	changed, err := h.Store.Unsubscribe(c.UserContext(), l.ID, memberID)
	if err != nil {
		return err
	}
	if !changed {
		return fiber.ErrNotFound
	}
	h.Log.Info("mailing list subscriber removed", "list", l.ShortName, "member", memberID, "by", user(c).ID)
	h.flashPushed(c, l.ID, "maillists.subscriber_removed")
	return h.redirect(c, fmt.Sprintf("/admin/lists/%d", l.ID))
}

// flashPushed pushes a list after a staff change and says how it went.
func (h *Handler) flashPushed(c *fiber.Ctx, listID int64, done string) {
	ok, err := h.pushList(c.UserContext(), listID)
	if err != nil {
		h.Log.Error("push mailing list", "list", listID, "err", err)
	}
	if ok && err == nil {
		h.flash(c, done, false)
	} else {
		h.flash(c, "maillists.saved_not_pushed", true)
	}
}
