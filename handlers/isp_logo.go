package handlers

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"coin/ispdb"
)

// ispLogo serves the uploaded logo, under the file's hash.
func (h *Handler) ispLogo(c *fiber.Ctx) error {
	l, err := h.Store.ISPLogo(c.UserContext())
	if err != nil {
		return err
	}
	// An SVG opened on its own must not run anything. Set on a 304 too, so
	// that a cache refreshing the stored headers keeps this policy.
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	return sendHashed(c, l.Hash, l.ContentType, l.Body)
}

// ispLogoUpload replaces the logo with the uploaded file.
func (h *Handler) ispLogoUpload(c *fiber.Ctx) error {
	fh, err := c.FormFile("logo")
	if err != nil || fh.Size == 0 {
		h.flash(c, "ispdb.err.logo_missing", true)
		return h.redirect(c, "/admin/isp")
	}
	if fh.Size > ispdb.MaxLogoSize {
		h.flash(c, "ispdb.err.logo_too_large", true)
		return h.redirect(c, "/admin/isp")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(f, ispdb.MaxLogoSize+1))
	f.Close()
	if err != nil {
		return err
	}
	logo, err := ispdb.ParseLogo(body)
	var le *ispdb.LogoError
	if errors.As(err, &le) {
		h.flash(c, le.Msg, true)
		return h.redirect(c, "/admin/isp")
	}
	if err != nil {
		return err
	}
	if err := h.ISP.SetLogo(c.UserContext(), logo); err != nil {
		return err
	}
	h.Log.Info("isp logo replaced", "type", logo.ContentType, "bytes", len(logo.Body), "by", user(c).ID)
	h.flash(c, "ispdb.logo.saved", false)
	return h.reload(c, "/admin/isp")
}

// ispLogoDelete removes the uploaded logo.
func (h *Handler) ispLogoDelete(c *fiber.Ctx) error {
	if err := h.ISP.SetLogo(c.UserContext(), nil); err != nil {
		return err
	}
	h.Log.Info("isp logo removed", "by", user(c).ID)
	h.flash(c, "ispdb.logo.removed", false)
	return h.reload(c, "/admin/isp")
}
