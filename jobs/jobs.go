// Package jobs runs the scheduled jobs of coin: the schedules of `coin
// serve` (gocron), the "Run now" button of the back office and each job's
// command all go through Scheduler.Run, so a run is the same whoever starts
// it: it takes the job's lock (one run at a time across every process on
// the database), is recorded in job_runs (start, end, result, summary,
// error) and calls the job's function, which can note its progress on the
// record as it goes (Progress).
//
// Adding a job is one line where the program lists its jobs (cli/jobs.go):
//
//	{Name: "charge-subscriptions", Schedule: cfg.Jobs.ChargeSubscriptions, Run: billing.ChargeJob},
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"coin/date"
	"coin/model"
	"coin/store"
)

// Job is a task that runs on a schedule, from the back office and from its
// command.
type Job struct {
	// Name is the job's command and lock key, e.g. "call-for-membership-fees".
	Name string
	// Schedule is a cron expression ("42 3 * * *") in the ISP's time zone;
	// "" leaves the job to its command and the back office.
	Schedule string
	// Quiet jobs (the outbox, every minute) keep no history of the runs that
	// did nothing: an empty summary and no error.
	Quiet bool
	// Run does the work for day; on a dry run it changes nothing and says
	// what it would do. The summary's first line is shown in lists.
	Run func(ctx context.Context, day date.Date, dryRun bool) (summary string, err error)
}

// Errors of Run.
var (
	ErrUnknown = errors.New("no such job")
	ErrBusy    = errors.New("the job is already running")
)

// History is how long runs are kept.
const History = 180 * 24 * time.Hour

// Options say how a run was asked for.
type Options struct {
	Day     date.Date // zero: today in the ISP's time zone
	DryRun  bool
	Trigger string // model.TriggerSchedule, TriggerManual, TriggerCLI or TriggerWakeup
	By      *int64 // the member who pressed "Run now"
}

// Scheduler knows the jobs, runs them, and schedules them once started.
type Scheduler struct {
	store *store.Store
	loc   *time.Location
	log   *slog.Logger
	jobs  []Job
	// Now is the clock for "today"; tests replace it.
	Now func() time.Time
	// Instance names this process in the claims of scheduled times
	// (default host:pid); set it before Start.
	Instance string
	// Observe, when set (before Start), is told of every finished run: the
	// metrics count runs and failures per job.
	Observe func(job string, ok bool, took time.Duration)
	crons   map[string]gocron.Cron // parsed schedules, to name each tick

	base   context.Context // runs started in the background live in it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	cron    gocron.Scheduler
	entries map[string]gocron.Job
	pending map[string]bool
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// New checks the jobs (unique names, valid schedules, a function each).
func New(st *store.Store, loc *time.Location, log *slog.Logger, list ...Job) (*Scheduler, error) {
	seen := map[string]bool{}
	crons := map[string]gocron.Cron{}
	for _, j := range list {
		if !nameRE.MatchString(j.Name) {
			return nil, fmt.Errorf("job %q: name must be lower-case letters, digits and dashes", j.Name)
		}
		if seen[j.Name] {
			return nil, fmt.Errorf("job %s is registered twice", j.Name)
		}
		seen[j.Name] = true
		if j.Run == nil {
			return nil, fmt.Errorf("job %s has no function", j.Name)
		}
		if j.Schedule != "" {
			c := gocron.NewDefaultCron(true)
			if err := c.IsValid(j.Schedule, loc, time.Now()); err != nil {
				return nil, fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Schedule, err)
			}
			crons[j.Name] = c
		}
	}
	host, _ := os.Hostname()
	base, cancel := context.WithCancel(context.Background())
	return &Scheduler{store: st, loc: loc, log: log, jobs: list, Now: time.Now, base: base, cancel: cancel,
		pending: map[string]bool{}, crons: crons, Instance: fmt.Sprintf("%s:%d", host, os.Getpid())}, nil
}

// Jobs lists the jobs in registration order.
func (s *Scheduler) Jobs() []Job { return append([]Job(nil), s.jobs...) }

// Job returns the job called name.
func (s *Scheduler) Job(name string) (Job, bool) {
	for _, j := range s.jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Today is the current day in the ISP's time zone.
func (s *Scheduler) Today() date.Date { return date.Of(s.Now().In(s.loc)) }

// run is a run that holds its job's lock.
type run struct {
	job  Job
	rec  *store.JobRun
	lock store.JobLock
}

// begin takes the job's lock and records the start of a run.
func (s *Scheduler) begin(ctx context.Context, name string, o Options) (*run, error) {
	job, ok := s.Job(name)
	if !ok {
		return nil, fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	if o.Day.IsZero() {
		o.Day = s.Today()
	}
	if o.Trigger == "" {
		o.Trigger = model.TriggerCLI
	}
	lock, err := s.store.TryJobLock(ctx, name)
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%s: %w", name, ErrBusy)
	}
	if err != nil {
		return nil, err
	}
	// Holding the lock, no other run of the job is alive: a run still
	// marked running died with its process.
	rec := &store.JobRun{Job: name, Trigger: o.Trigger, StartedBy: o.By, Day: o.Day, DryRun: o.DryRun}
	err = s.store.InterruptJobRuns(ctx, name)
	if err == nil {
		err = s.store.StartJobRun(ctx, rec)
	}
	if err != nil {
		lock.Release()
		return nil, err
	}
	return &run{job: job, rec: rec, lock: lock}, nil
}

// finish runs the job and records its end, then frees the lock.
func (s *Scheduler) finish(ctx context.Context, r *run) error {
	defer func() {
		if err := r.lock.Release(); err != nil {
			s.log.Error("release job lock", "job", r.job.Name, "err", err)
		}
	}()
	p := &progress{s: s, id: r.rec.ID, job: r.job.Name}
	started := time.Now()
	summary, err := call(context.WithValue(ctx, progressKey{}, p), r.job, r.rec.Day, r.rec.DryRun)
	p.stop()
	if s.Observe != nil {
		s.Observe(r.job.Name, err == nil, time.Since(started))
	}
	r.rec.Summary = strings.TrimSpace(summary)
	r.rec.Status = model.RunOK
	if err != nil {
		r.rec.Status, r.rec.Error = model.RunFailed, err.Error()
	}
	// The record is written even when ctx was cancelled (shutdown).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if r.job.Quiet && err == nil && r.rec.Summary == "" {
		if derr := s.store.DeleteJobRun(wctx, r.rec.ID); derr != nil {
			s.log.Error("forget quiet job run", "job", r.job.Name, "err", derr)
		}
		return nil
	}
	if ferr := s.store.FinishJobRun(wctx, r.rec); ferr != nil {
		s.log.Error("record job run", "job", r.job.Name, "err", ferr)
	}
	if perr := s.store.PruneJobRuns(wctx, r.job.Name, s.Now().Add(-History)); perr != nil {
		s.log.Warn("prune job runs", "job", r.job.Name, "err", perr)
	}
	attrs := []any{"job", r.job.Name, "run", r.rec.ID, "trigger", r.rec.Trigger, "day", r.rec.Day.String(),
		"dry_run", r.rec.DryRun, "duration", r.rec.Duration().Round(time.Millisecond), "summary", FirstLine(r.rec.Summary)}
	if err != nil {
		s.log.Error("job failed", append(attrs, "err", err)...)
		return err
	}
	s.log.Info("job done", attrs...)
	return nil
}

// call runs the job's function; a panic becomes an error of the run.
func call(ctx context.Context, j Job, day date.Date, dryRun bool) (summary string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return j.Run(ctx, day, dryRun)
}

// progressEvery spaces out the writes of Progress.
const progressEvery = 200 * time.Millisecond

type progressKey struct{}

// progress notes a run's progress on its record while its function runs.
type progress struct {
	s       *Scheduler
	id      int64
	job     string
	mu      sync.Mutex
	last    time.Time
	stopped bool
}

// Progress notes on the run's record how far it has got, done of total
// (members charged, e-mails sent…), for the pages that follow it: a job's
// function calls it with the context it was given, as often as it likes
// (writes are spaced out). The record's summary holds it while the run
// runs; the job's summary replaces it at the end. Outside a run it does
// nothing.
func Progress(ctx context.Context, done, total int) {
	p, ok := ctx.Value(progressKey{}).(*progress)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.stopped || (done < total && now.Sub(p.last) < progressEvery) {
		return
	}
	p.last = now
	if err := p.s.store.NoteJobRunProgress(ctx, p.id, fmt.Sprintf("%d/%d", done, total)); err != nil &&
		ctx.Err() == nil {
		p.s.log.Warn("note job progress", "job", p.job, "run", p.id, "err", err)
	}
}

// stop ignores what the job's goroutines might still report.
func (p *progress) stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
}

// RunProgress reads the progress noted by Progress on a running run.
func RunProgress(r *store.JobRun) (done, total int, ok bool) {
	if r == nil || r.Status != model.RunRunning {
		return 0, 0, false
	}
	a, b, found := strings.Cut(r.Summary, "/")
	if !found {
		return 0, 0, false
	}
	done, err1 := strconv.Atoi(a)
	total, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || done < 0 || total < done {
		return 0, 0, false
	}
	return done, total, true
}

// Run runs a job now and waits for it. It returns the run as recorded, and
// the job's error if it failed; ErrBusy when the job is running elsewhere.
func (s *Scheduler) Run(ctx context.Context, name string, o Options) (*store.JobRun, error) {
	r, err := s.begin(ctx, name, o)
	if err != nil {
		return nil, err
	}
	err = s.finish(ctx, r)
	return r.rec, err
}

// RunInBackground starts a run ("Run now") that outlives the request: it
// returns once the run holds its lock and is recorded, with a channel
// closed when it ends. Stop cancels it.
func (s *Scheduler) RunInBackground(name string, o Options) (*store.JobRun, <-chan struct{}, error) {
	r, err := s.begin(s.base, name, o)
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(done)
		s.finish(s.base, r)
	}()
	return r.rec, done, nil
}

// Trigger asks for a run of name soon, in the background (the outbox after
// an e-mail is queued). If the job is running, the run happens once it
// ends, so that work queued meanwhile is not left for the next schedule;
// triggers arriving while one waits are merged into it.
func (s *Scheduler) Trigger(name string, trigger string) {
	s.mu.Lock()
	if s.pending[name] {
		s.mu.Unlock()
		return
	}
	s.pending[name] = true
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for attempt := 0; ; attempt++ {
			s.setPending(name, false)
			_, err := s.Run(s.base, name, Options{Trigger: trigger})
			if !errors.Is(err, ErrBusy) {
				return
			}
			if attempt >= 120 || !s.claimPending(name) {
				return
			}
			select {
			case <-s.base.Done():
				s.setPending(name, false)
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
}

func (s *Scheduler) setPending(name string, v bool) {
	s.mu.Lock()
	s.pending[name] = v
	s.mu.Unlock()
}

// claimPending marks a retry as pending unless another trigger already is.
func (s *Scheduler) claimPending(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[name] {
		return false
	}
	s.pending[name] = true
	return true
}

// Start schedules every job that has a schedule (extra gocron options are
// for tests, e.g. a fake clock).
func (s *Scheduler) Start(opts ...gocron.SchedulerOption) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron != nil {
		return errors.New("scheduler already started")
	}
	c, err := gocron.NewScheduler(append([]gocron.SchedulerOption{gocron.WithLocation(s.loc),
		gocron.WithStopTimeout(30 * time.Second)}, opts...)...)
	if err != nil {
		return fmt.Errorf("start scheduler: %w", err)
	}
	entries := map[string]gocron.Job{}
	for _, j := range s.jobs {
		if j.Schedule == "" {
			continue
		}
		name := j.Name
		// Seconds optional: "42 3 * * *" as usual, or a sixth field in
		// front for seconds ("*/2 * * * * *", for tests).
		e, err := c.NewJob(gocron.CronJob(j.Schedule, true), gocron.NewTask(func() { s.scheduled(name) }),
			gocron.WithName(name), gocron.WithSingletonMode(gocron.LimitModeReschedule))
		if err != nil {
			c.Shutdown()
			return fmt.Errorf("schedule %s: %w", name, err)
		}
		entries[name] = e
	}
	c.Start()
	s.cron, s.entries = c, entries
	s.log.Info("scheduler started", "jobs", len(entries), "timezone", s.loc.String())
	return nil
}

// scheduled runs a job for the time it was scheduled at, if this instance
// is the first to claim that time: every `coin serve` on the database fires
// for it, and the claim's unique key lets one of them run it. The job's
// lock alone would not do: the other instance's run would start a moment
// after this one ended.
func (s *Scheduler) scheduled(name string) {
	at := s.tick(name, s.Now())
	ok, err := s.store.ClaimJobTick(s.base, name, at, s.Instance)
	if err != nil {
		s.log.Error("scheduled run not started: cannot claim it", "job", name, "at", at, "err", err)
		return
	}
	if !ok {
		s.log.Debug("scheduled run taken by another instance", "job", name, "at", at)
		return
	}
	if err := s.store.PruneJobTicks(s.base, name, at.Add(-TickHistory)); err != nil {
		s.log.Warn("prune job ticks", "job", name, "err", err)
	}
	_, err = s.Run(s.base, name, Options{Trigger: model.TriggerSchedule})
	if errors.Is(err, ErrBusy) {
		s.log.Info("scheduled run skipped: the job is already running", "job", name)
	}
}

// TickHistory is how long the claims of scheduled times are kept.
const TickHistory = 7 * 24 * time.Hour

// tickSlack absorbs a timer firing a hair before its time.
const tickSlack = 100 * time.Millisecond

// tick is the scheduled time a run fired at now is for: the job's latest
// time at or before now. Every instance names the same one, whatever its
// own delay in firing (below the schedule's interval).
func (s *Scheduler) tick(name string, now time.Time) time.Time {
	c := s.crons[name]
	if c == nil {
		return now.Truncate(time.Second)
	}
	now = now.Add(tickSlack)
	for back := time.Second; back <= 800*24*time.Hour; back *= 2 {
		t := c.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for {
			n := c.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	return now.Truncate(time.Second)
}

// Started tells whether this process schedules the jobs (not with --no-jobs).
func (s *Scheduler) Started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cron != nil
}

// NextRun is when the job is next scheduled in this process.
func (s *Scheduler) NextRun(name string) (time.Time, bool) {
	s.mu.Lock()
	e, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}, false
	}
	t, err := e.NextRun()
	return t, err == nil && !t.IsZero()
}

// Stop stops scheduling, cancels the runs in progress and waits for them
// to record their end.
func (s *Scheduler) Stop() error {
	s.cancel()
	s.mu.Lock()
	c := s.cron
	s.mu.Unlock()
	var err error
	if c != nil {
		err = c.Shutdown()
	}
	s.wg.Wait()
	return err
}

// FirstLine is the first line of a summary, for lists and logs.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
