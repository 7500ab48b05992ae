package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/views"
)

// myHardware shows the signed-in member what they have, or had, on loan:
// their own loans only.
func (h *Handler) myHardware(c *fiber.Ctx) error {
	loans, err := h.Store.MemberLoans(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "hardware.mine"), views.MyHardware(loans))
}
