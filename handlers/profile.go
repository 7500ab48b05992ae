package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/member"
	"coin/views"
)

func (h *Handler) profile(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, h.tr(c, "profile.title"), views.Profile(views.ProfileData{
		Member: user(c), CanEdit: h.Cfg.Members.MemberCanEditProfile}))
}

func (h *Handler) profileForm(c *fiber.Ctx, f member.Form, status int, errs map[string]string) error {
	d := views.MemberFormData{Form: f, Errs: errs, Scope: member.Self, Action: h.Cfg.URL("/profile/edit"),
		ID: user(c).ID, Cancel: h.Cfg.URL("/profile")}
	if hxTarget(c) == "member-form" {
		return h.partial(c, status, views.MemberForm(d))
	}
	return h.page(c, status, h.tr(c, "profile.edit"), views.MemberFormPage(d))
}

func (h *Handler) profileEditPage(c *fiber.Ctx) error {
	if !h.Cfg.Members.MemberCanEditProfile {
		return fiber.ErrForbidden
	}
	return h.profileForm(c, member.FromMember(user(c)), fiber.StatusOK, nil)
}

// profileEdit saves the fields a member may change about themselves; the
// form scope ignores anything else submitted (status, role, login).
func (h *Handler) profileEdit(c *fiber.Ctx) error {
	if !h.Cfg.Members.MemberCanEditProfile {
		return fiber.ErrForbidden
	}
	m := *user(c)
	f := memberFormFromRequest(c)
	errs, err := h.Members.Update(c.UserContext(), &m, f, member.Self)
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.profileForm(c, f, fiber.StatusUnprocessableEntity, errs)
	}
	if m.Language != "" {
		h.setCookie(c, langCookie, m.Language, 365*24*time.Hour)
	}
	h.flash(c, "profile.saved", false)
	return h.redirect(c, "/profile")
}
