package handlers

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/form"
	"coin/store"
	"coin/views"
)

// The item types and storage places are short lists edited in place.

func (h *Handler) catalog(ctx context.Context, d *views.CatalogData) error {
	var err error
	if d.Types, err = h.Store.ItemTypes(ctx); err != nil {
		return err
	}
	d.Places, err = h.Store.StoragePlaces(ctx)
	return err
}

func (h *Handler) itemTypesPage(c *fiber.Ctx, status int, d views.CatalogData) error {
	if err := h.catalog(c.UserContext(), &d); err != nil {
		return err
	}
	return h.page(c, status, h.tr(c, "hardware.types"), views.ItemTypesPage(d))
}

func (h *Handler) storagePlacesPage(c *fiber.Ctx, status int, d views.CatalogData) error {
	if err := h.catalog(c.UserContext(), &d); err != nil {
		return err
	}
	return h.page(c, status, h.tr(c, "hardware.places"), views.StoragePlacesPage(d))
}

func (h *Handler) itemTypes(c *fiber.Ctx) error {
	return h.itemTypesPage(c, fiber.StatusOK, views.CatalogData{})
}

func (h *Handler) storagePlaces(c *fiber.Ctx) error {
	return h.storagePlacesPage(c, fiber.StatusOK, views.CatalogData{})
}

// catalogName checks a type or place name.
func catalogName(name string) form.Errors {
	errs := form.Errors{}
	errs.Required("name", name)
	errs.MaxLen("name", name, 100)
	return errs
}

func (h *Handler) itemTypeCreate(c *fiber.Ctx) error {
	d := views.CatalogData{Name: trimmed(c, "name"), Errs: catalogName(trimmed(c, "name"))}
	if !d.Errs.Any() {
		err := h.Store.CreateItemType(c.UserContext(), &store.ItemType{Name: d.Name})
		if errors.Is(err, store.ErrConflict) {
			d.Errs.Add("name", "hardware.err.name_taken")
		} else if err != nil {
			return err
		}
	}
	if d.Errs.Any() {
		return h.itemTypesPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.flash(c, "hardware.type_saved", false)
	return h.redirect(c, "/admin/hardware/types")
}

func (h *Handler) itemTypeRename(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	name := trimmed(c, "name")
	if catalogName(name).Any() {
		h.flash(c, "hardware.err.name_invalid", true)
		return h.redirect(c, "/admin/hardware/types")
	}
	err = h.Store.RenameItemType(c.UserContext(), id, name)
	if errors.Is(err, store.ErrConflict) {
		h.flash(c, "hardware.err.name_taken", true)
		return h.redirect(c, "/admin/hardware/types")
	}
	if err != nil {
		return err
	}
	h.flash(c, "hardware.type_saved", false)
	return h.redirect(c, "/admin/hardware/types")
}

func (h *Handler) itemTypeDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.Store.DeleteItemType(c.UserContext(), id)
	if errors.Is(err, store.ErrConflict) {
		h.flash(c, "hardware.err.type_in_use", true)
		return h.redirect(c, "/admin/hardware/types")
	}
	if err != nil {
		return err
	}
	h.flash(c, "hardware.type_deleted", false)
	return h.redirect(c, "/admin/hardware/types")
}

func (h *Handler) storagePlaceCreate(c *fiber.Ctx) error {
	d := views.CatalogData{Name: trimmed(c, "name"), Notes: trimmed(c, "notes"), Errs: catalogName(trimmed(c, "name"))}
	d.Errs.MaxLen("notes", d.Notes, 500)
	if !d.Errs.Any() {
		err := h.Store.CreateStoragePlace(c.UserContext(), &store.StoragePlace{Name: d.Name, Notes: d.Notes})
		if errors.Is(err, store.ErrConflict) {
			d.Errs.Add("name", "hardware.err.name_taken")
		} else if err != nil {
			return err
		}
	}
	if d.Errs.Any() {
		return h.storagePlacesPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.flash(c, "hardware.place_saved", false)
	return h.redirect(c, "/admin/hardware/storage")
}

func (h *Handler) storagePlaceUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p := &store.StoragePlace{ID: id, Name: trimmed(c, "name"), Notes: trimmed(c, "notes")}
	if catalogName(p.Name).Any() || len(p.Notes) > 500 {
		h.flash(c, "hardware.err.name_invalid", true)
		return h.redirect(c, "/admin/hardware/storage")
	}
	err = h.Store.UpdateStoragePlace(c.UserContext(), p)
	if errors.Is(err, store.ErrConflict) {
		h.flash(c, "hardware.err.name_taken", true)
		return h.redirect(c, "/admin/hardware/storage")
	}
	if err != nil {
		return err
	}
	h.flash(c, "hardware.place_saved", false)
	return h.redirect(c, "/admin/hardware/storage")
}

func (h *Handler) storagePlaceDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.Store.DeleteStoragePlace(c.UserContext(), id)
	if errors.Is(err, store.ErrConflict) {
		h.flash(c, "hardware.err.place_in_use", true)
		return h.redirect(c, "/admin/hardware/storage")
	}
	if err != nil {
		return err
	}
	h.flash(c, "hardware.place_deleted", false)
	return h.redirect(c, "/admin/hardware/storage")
}
