package handlers

import (
	"errors"
	"net/url"
	"os"

	"github.com/gofiber/fiber/v2"

	"coin/overrides"
	"coin/views"
)

// templateList shows every overridable template and which the overrides
// folder replaces.
func (h *Handler) templateList(c *fiber.Ctx) error {
	d := views.TemplatesData{Dir: h.Templates.Dir(), Assets: h.Templates.AssetNames()}
	for _, info := range h.Templates.List() {
		d.Templates = append(d.Templates, templateRow(h.Templates, info))
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "templates.title"), views.TemplateList(d))
}

func templateRow(r *overrides.Registry, info overrides.Info) views.TemplateRow {
	row := views.TemplateRow{Info: info}
	if err := r.CheckOne(info); err != nil {
		row.Problem = err.Error()
	}
	return row
}

// templateShow shows one template: its default text and its override.
// Only known template names are ever turned into paths.
func (h *Handler) templateShow(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("*"))
	if err != nil {
		return fiber.ErrNotFound
	}
	info, err := h.Templates.Info(name)
	if errors.Is(err, overrides.ErrUnknown) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	def, err := overrides.Default(name)
	if err != nil {
		return err
	}
	d := views.TemplateDetailData{Row: templateRow(h.Templates, info), Default: string(def)}
	if info.Overridden {
		body, err := os.ReadFile(info.Path)
		if err != nil {
			d.Row.Problem = err.Error()
		}
		d.Override = string(body)
	}
	return h.page(c, fiber.StatusOK, name, views.TemplateDetail(d))
}
