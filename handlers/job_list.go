package handlers

import (
	"github.com/gofiber/fiber/v2"

	"coin/store"
	"coin/views"
)

const runsPerPage = 50

// jobList shows the jobs (schedule, next and last run, "Run now") and the
// history of runs.
func (h *Handler) jobList(c *fiber.Ctx) error {
	page := pageParam(c)
	ctx := c.UserContext()
	last, err := h.Store.LastJobRuns(ctx)
	if err != nil {
		return err
	}
	d := views.JobsData{Scheduled: h.Jobs.Started(), Page: page, PerPage: runsPerPage}
	for _, j := range h.Jobs.Jobs() {
		row := views.JobRow{Name: j.Name, Schedule: j.Schedule, Last: last[j.Name]}
		row.NextRun, _ = h.Jobs.NextRun(j.Name)
		d.Jobs = append(d.Jobs, row)
		if c.Query("job") == j.Name {
			d.Job = j.Name
		}
	}
	d.Runs, d.Total, err = h.Store.ListJobRuns(ctx, store.JobRunFilter{Job: d.Job, Limit: runsPerPage,
		Offset: pageOffset(page, runsPerPage)})
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "jobs.title"), views.JobsPage(d))
}

// jobRunShow shows one run with its whole summary and error.
func (h *Handler) jobRunShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := h.Store.JobRunByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	d := views.JobRunData{Run: r}
	if r.StartedBy != nil {
		if m, err := h.Store.MemberByID(c.UserContext(), *r.StartedBy); err == nil {
			d.By = m
		}
	}
	return h.page(c, fiber.StatusOK, h.trf(c, "jobs.run_title", map[string]any{"ID": r.ID, "Job": r.Job}),
		views.JobRunPage(d))
}
