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

func (h *Handler) itemTypeCreate(c *fiber.Ctx) error {
	d := views.CatalogData{Name: trimmed(c, "name")}
	_, errs, err := h.Hardware.CreateItemType(c.UserContext(), d.Name, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		d.Errs = errs
		return h.itemTypesPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.flash(c, "hardware.type_saved", false)
	return h.redirect(c, "/admin/hardware/types")
}

// catalogFlash flashes the form error of a type or place edited in its row:
// a name taken, or one refused.
func (h *Handler) catalogFlash(c *fiber.Ctx, errs form.Errors) {
	if errs.Get("name") == "hardware.err.name_taken" {
		h.flash(c, "hardware.err.name_taken", true)
		return
	}
	h.flash(c, "hardware.err.name_invalid", true)
}

func (h *Handler) itemTypeRename(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	errs, err := h.Hardware.RenameItemType(c.UserContext(), id, trimmed(c, "name"), user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		h.catalogFlash(c, errs)
		return h.redirect(c, "/admin/hardware/types")
	}
	h.flash(c, "hardware.type_saved", false)
	return h.redirect(c, "/admin/hardware/types")
}

func (h *Handler) itemTypeDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.Hardware.DeleteItemType(c.UserContext(), id, user(c))
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
	d := views.CatalogData{Name: trimmed(c, "name"), Notes: trimmed(c, "notes")}
	_, errs, err := h.Hardware.CreateStoragePlace(c.UserContext(), d.Name, d.Notes, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		d.Errs = errs
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
	errs, err := h.Hardware.UpdateStoragePlace(c.UserContext(), p, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		h.catalogFlash(c, errs)
		return h.redirect(c, "/admin/hardware/storage")
	}
	h.flash(c, "hardware.place_saved", false)
	return h.redirect(c, "/admin/hardware/storage")
}

func (h *Handler) storagePlaceDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.Hardware.DeleteStoragePlace(c.UserContext(), id, user(c))
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
