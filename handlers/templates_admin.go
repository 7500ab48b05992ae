package handlers

import (
	"errors"
	"net/url"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/overrides"
	"coin/store"
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

// templateShow shows one template: its default text, its override and
// the difference, and the form that edits it.
func (h *Handler) templateShow(c *fiber.Ctx) error {
	d, err := h.templateDetail(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, d.Row.Name, views.TemplateDetail(d))
}

// templateDetail reads the template named in the path. Only known template
// names are ever turned into paths.
func (h *Handler) templateDetail(c *fiber.Ctx) (views.TemplateDetailData, error) {
	var d views.TemplateDetailData
	name, err := url.PathUnescape(c.Params("*"))
	if err != nil {
		return d, fiber.ErrNotFound
	}
	info, err := h.Templates.Info(name)
	if errors.Is(err, overrides.ErrUnknown) {
		return d, fiber.ErrNotFound
	}
	if err != nil {
		return d, err
	}
	def, err := overrides.Default(name)
	if err != nil {
		return d, err
	}
	d = views.TemplateDetailData{Row: templateRow(h.Templates, info), Default: string(def),
		Editable: h.templateEditable(), Body: string(def)}
	if info.Overridden {
		body, err := os.ReadFile(info.Path)
		if err != nil {
			d.Row.Problem = err.Error()
		}
		d.Override, d.Body = string(body), string(body)
		if d.Diff, err = overrides.Diff(name, d.Override); err != nil {
			return d, err
		}
	}
	return d, nil
}

// templatePost previews, saves or reverts an override from the back
// office. The text is checked with the data its callers give before it is
// written; the file in the overrides folder stays the source of truth.
func (h *Handler) templatePost(c *fiber.Ctx) error {
	d, err := h.templateDetail(c)
	if err != nil {
		return err
	}
	name := d.Row.Name
	if !d.Editable {
		return fiber.ErrNotFound
	}
	switch c.FormValue("action") {
	case "revert":
		if err := h.Templates.Revert(name); err != nil {
			return err
		}
		// The override is a file, not a row: its entry follows it.
		if err := audit.Record(c.UserContext(), h.Store, "templates.audit_reverted", "template", nil,
			store.Change{Field: "template", New: name}); err != nil {
			return err
		}
		h.Log.Info("template override reverted", "template", name, "by", user(c).Login)
		h.flash(c, "templates.reverted", false)
		return h.redirect(c, "/admin/templates/"+name)
	case "save", "preview":
	default:
		return fiber.ErrBadRequest
	}
	d.Body = overrides.Normalize(c.FormValue("body"))
	sample := h.templateSample(c.UserContext(), name)
	out, err := overrides.Preview(name, d.Body, sample)
	if err != nil {
		if !errors.Is(err, overrides.ErrInvalid) {
			return err
		}
		d.Error = strings.TrimPrefix(err.Error(), overrides.ErrInvalid.Error()+": ")
		return h.page(c, fiber.StatusUnprocessableEntity, name, views.TemplateDetail(d))
	}
	if c.FormValue("action") == "preview" {
		d.Preview, d.PreviewHTML = out, strings.HasSuffix(name, ".html")
		if d.Diff, err = overrides.Diff(name, d.Body); err != nil {
			return err
		}
		return h.page(c, fiber.StatusOK, name, views.TemplateDetail(d))
	}
	if _, err := h.Templates.Save(name, d.Body, sample); err != nil {
		return err
	}
	if err := audit.Record(c.UserContext(), h.Store, "templates.audit_saved", "template", nil,
		store.Change{Field: "template", New: name}); err != nil {
		return err
	}
	h.Log.Info("template override saved", "template", name, "by", user(c).Login)
	h.flash(c, "templates.saved", false)
	return h.redirect(c, "/admin/templates/"+name)
}
