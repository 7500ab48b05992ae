package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/hardware"
	"coin/model"
	"coin/store"
	"coin/views"
)

// itemLookup resolves the references of the item form against the database.
func (h *Handler) itemLookup(ctx context.Context, d *views.ItemFormData) (hardware.Lookup, error) {
	var err error
	if d.Types, err = h.Store.ItemTypes(ctx); err != nil {
		return hardware.Lookup{}, err
	}
	if d.Places, err = h.Store.StoragePlaces(ctx); err != nil {
		return hardware.Lookup{}, err
	}
	if d.Members, err = h.Store.LendableMembers(ctx); err != nil {
		return hardware.Lookup{}, err
	}
	return hardware.Lookup{
		TypeExists: func(id int64) bool {
			for _, t := range d.Types {
				if t.ID == id {
					return true
				}
			}
			return false
		},
		StorageExists: func(id int64) bool {
			for _, p := range d.Places {
				if p.ID == id {
					return true
				}
			}
			return false
		},
		MemberID: h.memberIDByLogin(ctx),
	}, nil
}

// memberIDByLogin finds any account by login (owners may have left).
func (h *Handler) memberIDByLogin(ctx context.Context) func(string) (int64, bool) {
	return func(login string) (int64, bool) {
		m, err := h.Store.MemberByLogin(ctx, login)
		if err != nil {
			return 0, false
		}
		return m.ID, true
	}
}

func itemFormFromRequest(c *fiber.Ctx) hardware.ItemForm {
	return hardware.ItemForm{Designation: c.FormValue("designation"), TypeID: c.FormValue("type_id"),
		MAC: c.FormValue("mac"), Serial: c.FormValue("serial"), BuyDate: c.FormValue("buy_date"),
		OwnerLogin: c.FormValue("owner"), StorageID: c.FormValue("storage_id"),
		Deployed: c.FormValue("deployed") == "1", Comment: c.FormValue("comment")}
}

// itemFormPage renders the item form, alone for htmx (inline errors) or in its page.
func (h *Handler) itemFormPage(c *fiber.Ctx, status int, d views.ItemFormData) error {
	if hxTarget(c) == "item-form" {
		return h.partial(c, status, views.ItemForm(d))
	}
	title := h.tr(c, "hardware.new_item")
	if d.ID != 0 {
		title = h.trf(c, "hardware.edit_title", map[string]any{"Name": d.Form.Designation})
	}
	return h.page(c, status, title, views.ItemFormPage(d))
}

func (h *Handler) itemNewPage(c *fiber.Ctx) error {
	d := views.ItemFormData{}
	if _, err := h.itemLookup(c.UserContext(), &d); err != nil {
		return err
	}
	if len(d.Types) > 0 {
		d.Form.TypeID = fmt.Sprint(d.Types[0].ID)
	}
	return h.itemFormPage(c, fiber.StatusOK, d)
}

// itemFormErrors answers the item form again with its errors.
func (h *Handler) itemFormErrors(c *fiber.Ctx, d views.ItemFormData) error {
	if _, err := h.itemLookup(c.UserContext(), &d); err != nil {
		return err
	}
	return h.itemFormPage(c, fiber.StatusUnprocessableEntity, d)
}

func (h *Handler) itemCreate(c *fiber.Ctx) error {
	d := views.ItemFormData{Form: itemFormFromRequest(c)}
	it, errs, err := h.Hardware.CreateItem(c.UserContext(), &d.Form, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		d.Errs = errs
		return h.itemFormErrors(c, d)
	}
	h.flash(c, "hardware.created", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}

func (h *Handler) itemFromParam(c *fiber.Ctx) (*store.Item, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.ItemByID(c.UserContext(), id)
}

func (h *Handler) itemShow(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	lend := hardware.LoanForm{StartDate: date.Today(h.Cfg.Location()).String()}
	return h.itemPage(c, fiber.StatusOK, views.ItemData{Item: it, Lend: lend})
}

// itemPage renders an item with its history and lending form.
func (h *Handler) itemPage(c *fiber.Ctx, status int, d views.ItemData) error {
	ctx := c.UserContext()
	var err error
	if d.Loans, err = h.Store.ItemLoans(ctx, d.Item.ID); err != nil {
		return err
	}
	if d.Item.State() == model.ItemAvailable {
		if d.Members, err = h.Store.LendableMembers(ctx); err != nil {
			return err
		}
	}
	if d.SNMP, err = h.itemSNMP(ctx, d.Item.ID, d.SNMP); err != nil {
		return err
	}
	return h.page(c, status, d.Item.Designation, views.ItemPage(d))
}

func (h *Handler) itemEditPage(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	d := views.ItemFormData{Form: hardware.FromItem(it), ID: it.ID}
	if _, err := h.itemLookup(c.UserContext(), &d); err != nil {
		return err
	}
	return h.itemFormPage(c, fiber.StatusOK, d)
}

func (h *Handler) itemEdit(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	d := views.ItemFormData{Form: itemFormFromRequest(c), ID: it.ID}
	errs, err := h.Hardware.UpdateItem(c.UserContext(), it, &d.Form, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		d.Errs = errs
		return h.itemFormErrors(c, d)
	}
	h.flash(c, "hardware.saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}

func (h *Handler) itemDeletePage(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	loans, err := h.Store.ItemLoans(c.UserContext(), it.ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "common.delete"), views.ItemDeleteConfirm(it, len(loans)))
}

// itemDelete removes an item and its history; an item on loan is taken back first.
func (h *Handler) itemDelete(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	err = h.Hardware.DeleteItem(c.UserContext(), it, user(c))
	if errors.Is(err, store.ErrItemLent) {
		h.flash(c, "hardware.err.delete_lent", true)
		return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
	}
	if err != nil {
		return err
	}
	h.flash(c, "hardware.deleted", false)
	return h.redirect(c, "/admin/hardware")
}

// trimmed is a form value without surrounding blanks.
func trimmed(c *fiber.Ctx, key string) string { return strings.TrimSpace(c.FormValue(key)) }
