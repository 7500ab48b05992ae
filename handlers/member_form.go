package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/date"
	"coin/member"
	"coin/model"
	"coin/store"
	"coin/views"
)

// memberScope is what the staff member may edit: admins also set roles.
func memberScope(c *fiber.Ctx) member.Scope {
	if auth.Can(user(c).Role, auth.ManageRoles) {
		return member.Admin
	}
	return member.Staff
}

// memberFormPage renders the member form, alone for htmx (inline errors)
// or in its page.
func (h *Handler) memberFormPage(c *fiber.Ctx, status int, d views.MemberFormData) error {
	if hxTarget(c) == "member-form" {
		return h.partial(c, status, views.MemberForm(d))
	}
	title := h.tr(c, "members.new")
	if d.ID != 0 {
		title = h.trf(c, "members.edit_title", map[string]any{"Login": d.Form.Login})
	}
	return h.page(c, status, title, views.MemberFormPage(d))
}

func (h *Handler) memberNewPage(c *fiber.Ctx) error {
	f := member.Form{PersonType: model.NaturalPerson, Status: model.StatusPending, Role: model.RoleMember,
		DateJoined: date.Today(h.Cfg.Location()).String(), SendFeeReminders: true}
	return h.memberFormPage(c, fiber.StatusOK, views.MemberFormData{Form: f, Scope: memberScope(c),
		Action: h.Cfg.URL("/admin/members/new"), Cancel: h.Cfg.URL("/admin/members")})
}

func (h *Handler) memberCreate(c *fiber.Ctx) error {
	f := memberFormFromRequest(c)
	scope := memberScope(c)
	d := views.MemberFormData{Form: f, Scope: scope, Action: h.Cfg.URL("/admin/members/new"),
		Cancel: h.Cfg.URL("/admin/members")}
	m, errs, err := h.Members.Create(c.UserContext(), f, scope, user(c))
	if err != nil {
		return err
	}
	if errs.Any() {
		d.Errs = errs
		return h.memberFormPage(c, fiber.StatusUnprocessableEntity, d)
	}
	h.autoSubscribe(c, m, false)
	if c.FormValue("send_password_link") == "1" {
		if err := h.Accounts.SendPasswordReset(c.UserContext(), m); err != nil {
			return err
		}
	}
	h.flash(c, "members.created", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d", m.ID))
}

func (h *Handler) memberEditPage(c *fiber.Ctx) error {
	m, err := h.managedMember(c)
	if err != nil {
		return err
	}
	return h.memberFormPage(c, fiber.StatusOK, views.MemberFormData{Form: member.FromMember(m),
		Scope: memberScope(c), ID: m.ID, Action: h.Cfg.URL(fmt.Sprintf("/admin/members/%d/edit", m.ID)),
		Cancel: h.Cfg.URL(fmt.Sprintf("/admin/members/%d", m.ID))})
}

func (h *Handler) memberEdit(c *fiber.Ctx) error {
	m, err := h.managedMember(c)
	if err != nil {
		return err
	}
	f := memberFormFromRequest(c)
	f.Login = m.Login
	scope := memberScope(c)
	wasMember := m.Status == model.StatusMember
	errs, err := h.Members.Update(c.UserContext(), m, f, scope)
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.memberFormPage(c, fiber.StatusUnprocessableEntity, views.MemberFormData{Form: f, Errs: errs,
			Scope: scope, ID: m.ID, Action: h.Cfg.URL(fmt.Sprintf("/admin/members/%d/edit", m.ID)),
			Cancel: h.Cfg.URL(fmt.Sprintf("/admin/members/%d", m.ID))})
	}
	h.autoSubscribe(c, m, wasMember)
	h.flash(c, "members.saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/members/%d", m.ID))
}

// managedMember is memberFromParam for changes: staff accounts are
// changed by admins only.
func (h *Handler) managedMember(c *fiber.Ctx) (*store.Member, error) {
	m, err := h.memberFromParam(c)
	if err != nil {
		return nil, err
	}
	if !auth.CanManageAccount(user(c).Role, m.Role) {
		return nil, fiber.ErrForbidden
	}
	return m, nil
}

func (h *Handler) memberFromParam(c *fiber.Ctx) (*store.Member, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return h.Store.MemberByID(c.UserContext(), id)
}
