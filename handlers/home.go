package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/mail"
	"coin/views"
)

// home is the members' portal front page.
func (h *Handler) home(c *fiber.Ctx) error {
	env := views.EnvOf(c.UserContext())
	blurb, err := h.Templates.RenderLang("portal/home", env.Lang, "html", map[string]any{"Site": env.Site, "Member": mail.MemberOf(user(c))})
	if err != nil {
		h.Log.Error("render home blurb", "err", err)
	}
	bill, err := h.portalBilling(c)
	if err != nil {
		return err
	}
	fee, err := h.membershipData(c.UserContext(), user(c))
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "nav.home"), views.Home(views.HomeData{Member: user(c), Blurb: blurb,
		Billing: bill, Membership: &fee}))
}
