package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/jobs"
	"coin/model"
	"coin/store"
)

// runNowWait is how long "Run now" waits for the job before answering
// that it goes on in the background.
const runNowWait = 10 * time.Second

// jobRun is the "Run now" button: the job runs as the scheduler would run
// it (lock, history), in the background so that a long run outlives the
// request; the page waits a little to report its result.
func (h *Handler) jobRun(c *fiber.Ctx) error {
	name := c.Params("name")
	if _, ok := h.Jobs.Job(name); !ok {
		return fiber.ErrNotFound
	}
	by := user(c).ID
	run, done, err := h.Jobs.RunInBackground(name, jobs.Options{Trigger: model.TriggerManual, By: &by,
		DryRun: c.FormValue("dry_run") == "1"})
	if errors.Is(err, jobs.ErrBusy) {
		h.flash(c, "jobs.busy", true)
		return h.redirect(c, "/admin/jobs")
	}
	if err != nil {
		return err
	}
	if err := audit.Record(c.UserContext(), h.Store, "job.started", "job_run", &run.ID,
		store.Change{Field: "job", New: name}, store.Change{Field: "dry_run", New: strconv.FormatBool(c.FormValue("dry_run") == "1")}); err != nil {
		return err
	}
	h.Log.Info("job started from the back office", "job", name, "run", run.ID, "by", by)
	select {
	case <-done:
		if r, err := h.Store.JobRunByID(c.UserContext(), run.ID); err == nil && r.Status == model.RunFailed {
			h.flash(c, "jobs.failed", true)
		} else {
			h.flash(c, "jobs.done", false)
		}
	case <-time.After(runNowWait):
		h.flash(c, "jobs.started", false)
	}
	return h.redirect(c, "/admin/jobs")
}
