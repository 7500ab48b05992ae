// Package maillists pushes mailing lists to the list server.
//
// coin keeps who is on which list; the list server (Sympa, Mailman…) is
// told by running maillists.sync_command once per list with the whole list
// of addresses on stdin. A change marks the list for a push in the
// transaction of the change (store); a Syncer pushes after commit, records
// each run, and retries failed pushes with a growing delay.
package maillists

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"coin/command"
	"coin/config"
	"coin/store"
)

// ErrNoCommand is returned when there is nothing to push with.
var ErrNoCommand = errors.New("maillists.sync_command is not set")

// ErrBusy is returned when another run is pushing the list; that run pushes
// again if the list changed meanwhile.
var ErrBusy = errors.New("another sync of this list is running")

// Syncer runs the sync command for lists.
type Syncer struct {
	Store *store.Store
	Cfg   config.Maillists
	Log   *slog.Logger
	// Now is the clock of backoff computations; tests replace it.
	Now func() time.Time
}

// New returns a Syncer for the configured command.
func New(s *store.Store, cfg config.Maillists, log *slog.Logger) *Syncer {
	return &Syncer{Store: s, Cfg: cfg, Log: log, Now: time.Now}
}

// Configured tells whether lists are pushed anywhere.
func (s *Syncer) Configured() bool { return s.Cfg.Enabled && len(s.Cfg.SyncCommand) > 0 }

// maxRounds bounds how many times one call pushes a list that keeps
// changing while it is pushed.
const maxRounds = 3

// Sync pushes one list now, whatever its state, and again while it changed
// during the push (a few rounds at most). It returns the last run, whose
// failure is recorded and will be retried; err is for what prevented a run
// (ErrNoCommand, ErrBusy, database errors).
func (s *Syncer) Sync(ctx context.Context, listID int64) (*store.ListSync, error) {
	if !s.Configured() {
		return nil, ErrNoCommand
	}
	var run *store.ListSync
	for round := 0; round < maxRounds; round++ {
		lease := s.now().Add(2*s.Cfg.SyncTimeout + 30*time.Second)
		list, err := s.Store.ClaimListSync(ctx, listID, lease)
		if err != nil {
			return run, err
		}
		if list == nil {
			if run != nil {
				return run, nil
			}
			return nil, ErrBusy
		}
		if round > 0 && !list.SyncNeeded {
			return run, s.Store.ReleaseListSync(ctx, listID)
		}
		run, err = s.push(ctx, list)
		if err != nil || !run.OK() {
			return run, err
		}
		fresh, err := s.Store.MailingListByID(ctx, listID)
		if err != nil || !fresh.SyncNeeded {
			return run, err
		}
	}
	return run, nil
}

// push runs the command for a list whose lease is held and records the run.
func (s *Syncer) push(ctx context.Context, list *store.MailingList) (*store.ListSync, error) {
	addresses, err := s.Store.ListAddresses(ctx, list.ID)
	if err != nil {
		return nil, errors.Join(err, s.Store.ReleaseListSync(context.WithoutCancel(ctx), list.ID))
	}
	argv, refused := Argv(s.Cfg.SyncCommand, list)
	res := run(ctx, argv, refused, addresses, s.Cfg.SyncTimeout)
	rec := &store.ListSync{ListID: list.ID, StartedAt: res.started, Duration: res.duration,
		Addresses: len(addresses), ExitCode: res.exitCode, Output: res.output, Error: res.err}
	retry := s.now().Add(Backoff(list.SyncFailures + 1))
	// Record even when the caller's context ended: the run happened.
	if err := s.Store.FinishListSync(context.WithoutCancel(ctx), rec, list.ChangeSeq, retry); err != nil {
		return rec, err
	}
	if rec.OK() {
		s.Log.Info("mailing list pushed", "list", list.ShortName, "addresses", rec.Addresses,
			"duration_ms", rec.Duration.Milliseconds())
	} else {
		s.Log.Warn("mailing list push failed", "list", list.ShortName, "err", rec.Error,
			"exit_code", rec.ExitCode, "retry_at", retry.Format(time.RFC3339))
	}
	return rec, nil
}

// SyncDue pushes every list waiting for a push whose next attempt is due:
// the scheduled job. The summary says how many were pushed; err tells that
// some failed (each failure is recorded on its list and retried later).
func (s *Syncer) SyncDue(ctx context.Context) (string, error) {
	if !s.Cfg.Enabled {
		return "mailing lists are disabled", nil
	}
	if len(s.Cfg.SyncCommand) == 0 {
		return "no sync command configured", nil
	}
	ids, err := s.Store.DueMailingLists(ctx)
	if err != nil {
		return "", err
	}
	var pushed, busy int
	var errs []error
	for _, id := range ids {
		run, err := s.Sync(ctx, id)
		switch {
		case errors.Is(err, ErrBusy):
			busy++
		case err != nil:
			errs = append(errs, fmt.Errorf("list %d: %w", id, err))
		case !run.OK():
			errs = append(errs, fmt.Errorf("list %d: %s", id, run.Error))
		default:
			pushed++
		}
	}
	summary := fmt.Sprintf("%d lists pushed, %d failed", pushed, len(errs))
	if busy > 0 {
		summary += fmt.Sprintf(", %d already being pushed", busy)
	}
	if len(errs) > 0 {
		return summary, errors.Join(errs...)
	}
	return summary, nil
}

// Argv fills the placeholders of the sync command for a list, argument by
// argument (see command.Fill for what is refused).
func Argv(cmd []string, list *store.MailingList) ([]string, error) {
	return command.Fill(cmd, map[string]string{"{email}": list.Email, "{short_name}": list.ShortName})
}

// Backoff is the delay before retrying after the n-th consecutive failure:
// one minute, doubling, at most six hours.
func Backoff(n int) time.Duration {
	const first, most = time.Minute, 6 * time.Hour
	if n < 1 {
		n = 1
	}
	d := first
	for i := 1; i < n && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}

func (s *Syncer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
