package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/provision"
	"coin/store"
	"coin/subscription"
)

func (h *Handler) subscriptionPassword(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	res, err := h.Subs.RegeneratePassword(c.UserContext(), row)
	if err != nil {
		return err
	}
	return h.subscriptionDetail(c, row.ID, res)
}

func (h *Handler) subscriptionSuspend(c *fiber.Ctx) error { return h.setSuspended(c, true) }
func (h *Handler) subscriptionResume(c *fiber.Ctx) error  { return h.setSuspended(c, false) }

func (h *Handler) setSuspended(c *fiber.Ctx, suspended bool) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	res, err := h.Subs.SetSuspended(c.UserContext(), row, suspended)
	if err != nil {
		return err
	}
	return h.subscriptionDetail(c, row.ID, res)
}

func (h *Handler) subscriptionRetry(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	runID, err := strconv.ParseInt(c.Params("run"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	run, err := h.Subs.Retry(c.UserContext(), row, runID)
	if errors.Is(err, provision.ErrNoHook) {
		h.flash(c, "hooks.not_configured", true)
		return h.redirect(c, "/admin/subscriptions/"+strconv.FormatInt(row.ID, 10))
	}
	if err != nil {
		return err
	}
	// The hook ran outside the database: its entry follows it.
	if err := audit.Record(c.UserContext(), h.Store, "hooks.audit_retried", "subscription", &row.ID,
		store.Change{Field: "run", Old: strconv.FormatInt(runID, 10), New: strconv.FormatInt(run.ID, 10)}); err != nil {
		return err
	}
	return h.subscriptionDetail(c, row.ID, &subscription.Result{Run: run})
}
