package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
	"coin/model"
)

// JobRun is one run of a scheduled job.
type JobRun struct {
	ID         int64
	Job        string
	Trigger    string
	StartedBy  *int64 // member who pressed "Run now"
	Day        date.Date
	DryRun     bool
	Status     string
	Summary    string
	Error      string
	StartedAt  time.Time
	FinishedAt *time.Time
}

// Duration is how long a finished run took.
func (r *JobRun) Duration() time.Duration {
	if r.FinishedAt == nil {
		return 0
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

const jobRunColumns = `id, job, triggered_by, started_by, day, dry_run, status, summary, error_text,
	started_at, finished_at`

func scanJobRun(row scanner) (*JobRun, error) {
	var r JobRun
	err := row.Scan(&r.ID, &r.Job, &r.Trigger, &r.StartedBy, &r.Day, &r.DryRun, &r.Status, &r.Summary,
		&r.Error, &r.StartedAt, &r.FinishedAt)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// StartJobRun records the start of a run (status running) and sets its ID
// and start time.
func (s *Store) StartJobRun(ctx context.Context, r *JobRun) error {
	r.StartedAt, r.Status = s.now(), model.RunRunning
	id, err := s.insert(ctx, `INSERT INTO job_runs (job, triggered_by, started_by, day, dry_run,
		status, summary, error_text, started_at) VALUES (?, ?, ?, ?, ?, ?, '', '', ?)`,
		r.Job, r.Trigger, r.StartedBy, r.Day, r.DryRun, r.Status, r.StartedAt)
	if err != nil {
		return fmt.Errorf("start run of %s: %w", r.Job, err)
	}
	r.ID = id
	return nil
}

// FinishJobRun records the end of a run: status ok or failed, summary and error.
func (s *Store) FinishJobRun(ctx context.Context, r *JobRun) error {
	now := s.now()
	r.FinishedAt = &now
	if len(r.Error) > 4000 {
		r.Error = r.Error[:4000]
	}
	if len(r.Summary) > 20000 {
		r.Summary = r.Summary[:20000]
	}
	_, err := s.exec(ctx, `UPDATE job_runs SET status = ?, summary = ?, error_text = ?, finished_at = ?
		WHERE id = ?`, r.Status, r.Summary, r.Error, now, r.ID)
	if err != nil {
		return fmt.Errorf("finish run %d of %s: %w", r.ID, r.Job, err)
	}
	return nil
}

// NoteJobRunProgress replaces the summary of a run still running (how far
// it has got, for the pages that follow it); FinishJobRun writes the final
// one. A run already finished is left alone.
func (s *Store) NoteJobRunProgress(ctx context.Context, id int64, summary string) error {
	_, err := s.exec(ctx, `UPDATE job_runs SET summary = ? WHERE id = ? AND status = 'running'`, summary, id)
	if err != nil {
		return fmt.Errorf("note progress of run %d: %w", id, err)
	}
	return nil
}

// DeleteJobRun forgets a run (a quiet job's run that did nothing).
func (s *Store) DeleteJobRun(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `DELETE FROM job_runs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete job run %d: %w", id, err)
	}
	return nil
}

// InterruptJobRuns marks the runs of job still "running" as interrupted.
// Call it holding the job's lock: no run of it can then be alive.
func (s *Store) InterruptJobRuns(ctx context.Context, job string) error {
	_, err := s.exec(ctx, `UPDATE job_runs SET status = 'interrupted', finished_at = ?
		WHERE job = ? AND status = 'running'`, s.now(), job)
	if err != nil {
		return fmt.Errorf("interrupt runs of %s: %w", job, err)
	}
	return nil
}

// PruneJobRuns deletes the runs of job started before t.
func (s *Store) PruneJobRuns(ctx context.Context, job string, before time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM job_runs WHERE job = ? AND started_at < ?`, job, before.UTC())
	if err != nil {
		return fmt.Errorf("prune runs of %s: %w", job, err)
	}
	return nil
}

// JobRunByID returns one run.
func (s *Store) JobRunByID(ctx context.Context, id int64) (*JobRun, error) {
	r, err := scanJobRun(s.queryRow(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "job run", id)
	}
	return r, nil
}

// JobRunFilter selects runs for the history.
type JobRunFilter struct {
	Job    string // "" for all
	Limit  int
	Offset int
}

// ListJobRuns returns runs, latest first, and the total.
func (s *Store) ListJobRuns(ctx context.Context, f JobRunFilter) ([]*JobRun, int, error) {
	where := ""
	var args []any
	if f.Job != "" {
		where = " WHERE job = ?"
		args = append(args, f.Job)
	}
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM job_runs`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count job runs: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+jobRunColumns+` FROM job_runs`+where+
		` ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list job runs: %w", err)
	}
	defer rows.Close()
	var out []*JobRun
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan job run: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// LastJobRuns returns the latest run of each job that has one.
func (s *Store) LastJobRuns(ctx context.Context) (map[string]*JobRun, error) {
	rows, err := s.query(ctx, `SELECT `+jobRunColumns+` FROM job_runs r WHERE r.id = (SELECT l.id
		FROM job_runs l WHERE l.job = r.job ORDER BY l.started_at DESC, l.id DESC LIMIT 1)`)
	if err != nil {
		return nil, fmt.Errorf("last job runs: %w", err)
	}
	defer rows.Close()
	out := map[string]*JobRun{}
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, fmt.Errorf("scan job run: %w", err)
		}
		out[r.Job] = r
	}
	return out, rows.Err()
}
