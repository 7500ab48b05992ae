package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"coin/account"
	"coin/member"
	"coin/views"
)

func (h *Handler) signupTerms(c *fiber.Ctx) string {
	env := views.EnvOf(c.UserContext())
	out, err := h.Templates.RenderLang("portal/signup_terms", env.Lang, "html", map[string]any{"Site": env.Site})
	if err != nil {
		h.Log.Error("render sign-up terms", "err", err)
	}
	return out
}

func (h *Handler) signupPage(c *fiber.Ctx) error {
	if !h.Cfg.Members.RegistrationOpen {
		return fiber.ErrNotFound
	}
	f := member.Form{PersonType: "natural"}
	return h.page(c, fiber.StatusOK, h.tr(c, "signup.title"), views.SignUp(f, nil, h.signupTerms(c)))
}

func (h *Handler) signup(c *fiber.Ctx) error {
	if !h.Cfg.Members.RegistrationOpen {
		return fiber.ErrNotFound
	}
	f := memberFormFromRequest(c)
	lang := views.EnvOf(c.UserContext()).Lang
	m, errs, err := h.Accounts.SignUp(c.UserContext(), f, c.FormValue("password"), c.FormValue("confirm"), lang, h.clientIP(c))
	if errors.Is(err, account.ErrThrottled) {
		return fiber.ErrTooManyRequests
	}
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "signup.title"), views.SignUp(f, errs, h.signupTerms(c)))
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "signup.title"), views.SignUpDone(m.Email))
}

func (h *Handler) verifyEmail(c *fiber.Ctx) error {
	_, err := h.Accounts.VerifyEmail(c.UserContext(), c.Params("token"))
	if errors.Is(err, account.ErrBadToken) {
		return h.page(c, fiber.StatusNotFound, h.tr(c, "verify.title"),
			views.Notice("verify.title", "verify.invalid", "", ""))
	}
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "verify.title"),
		views.Notice("verify.title", "verify.done", h.Cfg.URL("/login"), "layout.login"))
}

// memberFormFromRequest reads the member fields of a submitted form.
func memberFormFromRequest(c *fiber.Ctx) member.Form {
	return member.Form{
		Login: c.FormValue("login"), Role: c.FormValue("role"), PersonType: c.FormValue("person_type"),
		FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"),
		OrganizationName: c.FormValue("organization_name"), Nickname: c.FormValue("nickname"),
		Email: c.FormValue("email"), Phone: c.FormValue("phone"), Address: c.FormValue("address"),
		PostalCode: c.FormValue("postal_code"), City: c.FormValue("city"), Country: c.FormValue("country"),
		Status: c.FormValue("status"), Language: c.FormValue("language"), Comments: c.FormValue("comments"),
		DateJoined: c.FormValue("date_joined"), ResignDate: c.FormValue("resign_date"),
		SendFeeReminders: c.FormValue("send_fee_reminders") == "1",
		AcceptTerms:      c.FormValue("accept_terms") == "1",
	}
}
