package handlers

import (
	"context"
	"sync"

	"github.com/gofiber/fiber/v2"

	"coin/date"
	"coin/views"
)

// chargeRun is the state of the charge started from the back office; one
// at a time per process (the run itself is safe against others).
type chargeRun struct {
	mu    sync.Mutex
	state views.ChargeState
}

func (r *chargeRun) get() views.ChargeState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

func (r *chargeRun) set(fn func(*views.ChargeState)) {
	r.mu.Lock()
	fn(&r.state)
	r.mu.Unlock()
}

func (h *Handler) chargePage(c *fiber.Ctx) error {
	st := h.charge.get()
	if st.Day == "" {
		st.Day = date.Today(h.Cfg.Location()).String()
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "charge.title"), views.ChargePage(st))
}

func (h *Handler) chargeProgress(c *fiber.Ctx) error {
	if !isHTMX(c) {
		return h.redirect(c, "/admin/charge")
	}
	return h.partial(c, fiber.StatusOK, views.ChargeProgress(h.charge.get()))
}

// chargeStart runs charge-subscriptions in the background and answers with
// the progress block, which htmx polls until the run ends.
func (h *Handler) chargeStart(c *fiber.Ctx) error {
	day := date.Today(h.Cfg.Location())
	if v := c.FormValue("date"); v != "" {
		d, err := date.Parse(v)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		day = d
	}
	dry := c.FormValue("dry_run") == "1"
	started := false
	h.charge.set(func(st *views.ChargeState) {
		if st.Running {
			return
		}
		*st = views.ChargeState{Running: true, Day: day.String()}
		started = true
	})
	if started {
		actor := user(c).Login
		go func() {
			sum, err := h.Billing.Charge(context.Background(), day, dry, func(done, total int) {
				h.charge.set(func(st *views.ChargeState) { st.Done, st.Total = done, total })
			})
			h.charge.set(func(st *views.ChargeState) {
				st.Running = false
				if err != nil {
					st.Error = err.Error()
					return
				}
				st.Result = &sum
			})
			h.Log.Info("charge from the back office", "by", actor, "dry_run", dry, "err", err)
		}()
	}
	if isHTMX(c) {
		return h.partial(c, fiber.StatusOK, views.ChargeProgress(h.charge.get()))
	}
	return h.redirect(c, "/admin/charge")
}
