package handlers

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"coin/i18n"
	"coin/importer"
	"coin/views"
)

// importPage shows the import form.
func (h *Handler) importPage(c *fiber.Ctx) error {
	d := views.ImportData{Kind: string(importer.Members), Profile: "generic"}
	return h.page(c, fiber.StatusOK, h.tr(c, "import.title"), views.ImportPage(d))
}

// importUpload checks an uploaded file, keeps it and shows what its import
// would do; a file that does not read is refused with the reason.
func (h *Handler) importUpload(c *fiber.Ctx) error {
	d := views.ImportData{Kind: c.FormValue("kind"), Profile: c.FormValue("profile")}
	refuse := func(msg string) error {
		d.Error = msg
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "import.title"), views.ImportPage(d))
	}
	kind, ok := importer.ParseKind(d.Kind)
	if !ok {
		return refuse(h.tr(c, "err.choice_invalid"))
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return refuse(h.tr(c, "import.err_no_file"))
	}
	if fh.Size > importer.MaxFileSize {
		return refuse(h.tr(c, "import.err_too_big"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, importer.MaxFileSize+1))
	f.Close()
	if err != nil {
		return err
	}
	res, token, err := h.Importer.Preview(c.UserContext(), kind, d.Profile, fh.Filename, data, user(c).ID)
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return refuse(fe.Message(i18n.From(c.UserContext())))
	}
	if err != nil {
		return err
	}
	d.Result, d.Token = res, token
	return h.page(c, fiber.StatusOK, h.tr(c, "import.title"), views.ImportPage(d))
}

// importConfirm imports the file of a preview, checking every line again.
func (h *Handler) importConfirm(c *fiber.Ctx) error {
	res, err := h.Importer.Confirm(c.UserContext(), c.FormValue("token"), user(c).ID, user(c).Login, c.FormValue("skip_bad") == "1")
	d := views.ImportData{Kind: string(importer.Members), Profile: "generic"}
	var fe *importer.FileError
	switch {
	case errors.Is(err, importer.ErrExpired):
		d.Error = h.tr(c, "import.expired")
		return h.page(c, fiber.StatusGone, h.tr(c, "import.title"), views.ImportPage(d))
	case errors.As(err, &fe):
		d.Error = fe.Message(i18n.From(c.UserContext()))
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "import.title"), views.ImportPage(d))
	case err != nil:
		return err
	}
	d.Kind, d.Profile, d.Result, d.Confirmed = string(res.Kind), res.Profile, res, true
	status := fiber.StatusOK
	if !res.Written {
		// The preview stays: the user may confirm again, skipping the bad lines.
		d.Token, status = c.FormValue("token"), fiber.StatusUnprocessableEntity
	}
	return h.page(c, status, h.tr(c, "import.title"), views.ImportPage(d))
}
