package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/mail"
	"coin/model"
	"coin/store"
	"coin/views"
)

const messagesPerPage = 50

func (h *Handler) outboxList(c *fiber.Ctx) error {
	page := pageParam(c)
	status := c.Query("status")
	switch status {
	case "", model.OutboxQueued, model.OutboxSent, model.OutboxFailed, model.OutboxHeld:
	default:
		status = ""
	}
	msgs, total, err := h.Store.ListMessages(c.UserContext(), store.OutboxFilter{Status: status,
		Limit: messagesPerPage, Offset: pageOffset(page, messagesPerPage)})
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "outbox.title"), views.Outbox(views.OutboxData{
		Messages: msgs, Total: total, Status: status, Page: page, PerPage: messagesPerPage}))
}

func (h *Handler) outboxShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	m, err := h.Store.MessageByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, m.Subject, views.OutboxMessage(m))
}

func (h *Handler) outboxResend(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := mail.Resend(c.UserContext(), h.Store, id); err != nil {
		return err
	}
	h.flash(c, "outbox.requeued", false)
	return h.redirect(c, "/admin/outbox/"+c.Params("id"))
}
