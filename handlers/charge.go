package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coin/billing"
	"coin/date"
	"coin/jobs"
	"coin/model"
	"coin/store"
	"coin/views"
)

// chargeJob is the job the charge page starts and follows.
const chargeJob = "charge-subscriptions"

// chargePage is the charge form, with the run asked for (?run=) or else
// the run going on, whoever started it.
func (h *Handler) chargePage(c *fiber.Ctx) error {
	st, err := h.chargeState(c, c.Query("run"))
	if err != nil {
		return err
	}
	st.Day = date.Today(h.Cfg.Location()).String()
	if st.Run != nil {
		st.Day = st.Run.Day.String()
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "charge.title"), views.ChargePage(st))
}

// chargeProgress is the run's block, which htmx polls while it runs.
func (h *Handler) chargeProgress(c *fiber.Ctx) error {
	id := c.Query("run")
	if !isHTMX(c) {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return h.redirect(c, "/admin/charge")
		}
		return h.redirect(c, "/admin/charge?run="+id)
	}
	if id == "" {
		return fiber.ErrNotFound
	}
	st, err := h.chargeState(c, id)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.ChargeRun(st))
}

// chargeStart runs charge-subscriptions as "Run now" does (its lock, its
// history, stopped with the scheduler) for the form's day, and answers with
// the run's block, which htmx polls until the run ends. While a run goes
// on, another is refused and the page follows the one going on.
func (h *Handler) chargeStart(c *fiber.Ctx) error {
	if _, ok := h.Jobs.Job(chargeJob); !ok {
		return fiber.ErrNotFound
	}
	o := jobs.Options{Trigger: model.TriggerManual, DryRun: c.FormValue("dry_run") == "1"}
	if v := c.FormValue("date"); v != "" {
		d, err := date.Parse(v)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, h.tr(c, "err.date_invalid"))
		}
		o.Day = d
	}
	by := user(c).ID
	o.By = &by
	run, _, err := h.Jobs.RunInBackground(chargeJob, o)
	if errors.Is(err, jobs.ErrBusy) {
		if !isHTMX(c) {
			h.flash(c, "charge.busy", true)
			return h.redirect(c, "/admin/charge")
		}
		st, err := h.chargeState(c, "")
		if err != nil {
			return err
		}
		st.Busy = true
		return h.partial(c, fiber.StatusConflict, views.ChargeProgress(st))
	}
	if err != nil {
		return err
	}
	h.Log.Info("charge started from the back office", "run", run.ID, "by", by, "day", o.Day.String(),
		"dry_run", o.DryRun)
	id := strconv.FormatInt(run.ID, 10)
	if !isHTMX(c) {
		return h.redirect(c, "/admin/charge?run="+id)
	}
	st, err := h.chargeState(c, id)
	if err != nil {
		return err
	}
	return h.partial(c, fiber.StatusOK, views.ChargeProgress(st))
}

// chargeState reads the run called id from the store, or with id "" the
// latest run of the charge if it is still running.
func (h *Handler) chargeState(c *fiber.Ctx, id string) (views.ChargeState, error) {
	var st views.ChargeState
	ctx := c.UserContext()
	if id == "" {
		runs, _, err := h.Store.ListJobRuns(ctx, store.JobRunFilter{Job: chargeJob, Limit: 1})
		if err != nil {
			return st, err
		}
		if len(runs) == 1 && runs[0].Status == model.RunRunning {
			st.Run = runs[0]
		}
	} else {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return st, fiber.ErrNotFound
		}
		if st.Run, err = h.Store.JobRunByID(ctx, n); err != nil {
			return st, err
		}
		if st.Run.Job != chargeJob {
			return st, fiber.ErrNotFound
		}
	}
	if st.Run == nil {
		return st, nil
	}
	if done, total, ok := jobs.RunProgress(st.Run); ok {
		st.Done, st.Total = done, total
	} else if st.Run.Status != model.RunRunning {
		st.Result, _ = billing.ParseSummary(st.Run.Summary)
	}
	return st, nil
}
