package store

import (
	"context"
	"fmt"
	"time"
)

// ClaimJobTick records that instance runs job for its scheduled time at,
// and tells whether it was first: with several `coin serve` on one
// database, each instance's scheduler fires for the same time, and only
// the one whose claim goes in runs it (the primary key refuses the
// others). The job's lock only stops two runs at once; this stops a second
// run of the same time a moment later.
func (s *Store) ClaimJobTick(ctx context.Context, job string, at time.Time, instance string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO job_ticks (job, scheduled_at, instance, claimed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (job, scheduled_at) DO NOTHING`, job, at.UTC().Truncate(time.Microsecond), instance, s.now())
	if err != nil {
		return false, fmt.Errorf("claim %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	return n == 1, nil
}

// JobTick is a claimed scheduled time of a job.
type JobTick struct {
	Job         string
	ScheduledAt time.Time
	Instance    string
	ClaimedAt   time.Time
}

// JobTicks returns the claimed times of job since t, oldest first.
func (s *Store) JobTicks(ctx context.Context, job string, since time.Time) ([]JobTick, error) {
	rows, err := s.query(ctx, `SELECT job, scheduled_at, instance, claimed_at FROM job_ticks
		WHERE job = ? AND scheduled_at >= ? ORDER BY scheduled_at`, job, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("ticks of %s: %w", job, err)
	}
	defer rows.Close()
	var out []JobTick
	for rows.Next() {
		var t JobTick
		if err := rows.Scan(&t.Job, &t.ScheduledAt, &t.Instance, &t.ClaimedAt); err != nil {
			return nil, fmt.Errorf("scan tick of %s: %w", job, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PruneJobTicks forgets the claims of job for times before t.
func (s *Store) PruneJobTicks(ctx context.Context, job string, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM job_ticks WHERE job = ? AND scheduled_at < ?`, job, before.UTC()); err != nil {
		return fmt.Errorf("prune ticks of %s: %w", job, err)
	}
	return nil
}
