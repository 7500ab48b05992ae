package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// HookRun records one run of a provisioning hook.
type HookRun struct {
	ID             int64
	SubscriptionID int64
	Action         string
	Argv           []string
	ExitCode       *int // nil when the program could not start or was killed
	Output         string
	Error          string
	Duration       time.Duration
	StartedAt      time.Time
}

// OK tells whether the hook ran and exited 0.
func (r *HookRun) OK() bool { return r.Error == "" && r.ExitCode != nil && *r.ExitCode == 0 }

// RecordHookRun stores a run.
func (s *Store) RecordHookRun(ctx context.Context, r *HookRun) error {
	argv, err := json.Marshal(r.Argv)
	if err != nil {
		return err
	}
	r.ID, err = s.insert(ctx, `INSERT INTO hook_runs (subscription_id, action, argv, exit_code, output,
		error, duration_ms, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.SubscriptionID, r.Action,
		string(argv), r.ExitCode, r.Output, r.Error, r.Duration.Milliseconds(), r.StartedAt.UTC())
	if err != nil {
		return fmt.Errorf("record %s hook run of subscription %d: %w", r.Action, r.SubscriptionID, err)
	}
	return nil
}

func scanHookRun(row scanner) (*HookRun, error) {
	var r HookRun
	var argv string
	var ms int64
	if err := row.Scan(&r.ID, &r.SubscriptionID, &r.Action, &argv, &r.ExitCode, &r.Output, &r.Error,
		&ms, &r.StartedAt); err != nil {
		return nil, err
	}
	r.Duration = time.Duration(ms) * time.Millisecond
	if err := json.Unmarshal([]byte(argv), &r.Argv); err != nil {
		return nil, fmt.Errorf("hook run %d argv: %w", r.ID, err)
	}
	return &r, nil
}

const hookRunColumns = `id, subscription_id, action, argv, exit_code, output, error, duration_ms, started_at`

// HookRuns returns the runs of a subscription's hooks that changed
// something, newest first: state runs recorded by earlier versions, one
// per page view, are left out.
func (s *Store) HookRuns(ctx context.Context, subscriptionID int64, limit int) ([]*HookRun, error) {
	rows, err := s.query(ctx, `SELECT `+hookRunColumns+` FROM hook_runs WHERE subscription_id = ?
		AND action <> 'state' ORDER BY id DESC LIMIT ?`, subscriptionID, limit)
	if err != nil {
		return nil, fmt.Errorf("hook runs of subscription %d: %w", subscriptionID, err)
	}
	defer rows.Close()
	var out []*HookRun
	for rows.Next() {
		r, err := scanHookRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HookRunByID returns one run.
func (s *Store) HookRunByID(ctx context.Context, id int64) (*HookRun, error) {
	r, err := scanHookRun(s.queryRow(ctx, `SELECT `+hookRunColumns+` FROM hook_runs WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "hook run", id)
	}
	return r, nil
}
