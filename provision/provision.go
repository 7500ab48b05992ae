// Package provision runs the ISP's provisioning hooks: external programs
// that create, suspend, resume or remove a service on the real
// infrastructure, or report its state.
//
// A hook is an argv array from isp.toml, run without a shell: placeholders
// are replaced inside each argument, so a login like "x; rm -rf /" reaches
// the program as one literal argument. The program gets a clean environment,
// the configuration as JSON on stdin, and a timeout after which its whole
// process group is killed. Every run is recorded.
package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"coin/command"
	"coin/config"
	"coin/store"
)

// OutputLimit is how much of a hook's output is kept.
const OutputLimit = 4096

// Target is what a hook acts on.
type Target struct {
	Subscription *store.Subscription
	Reference    string
	Member       *store.Member
	Offer        *store.Offer
	Config       *store.Configuration // nil when the subscription has none yet
	// Password is set only right after one was generated, so that the
	// provision hook can install it; it is never stored in clear.
	Password string
}

// MaxRunning is how many hook processes a Runner starts at once; the
// others wait for a slot (or for their request to end).
const MaxRunning = 4

// Runner runs and records hooks. At most MaxRunning hooks run at once, and
// the state of one subscription is asked of one process at a time: callers
// that come while it runs share its answer.
type Runner struct {
	Store    *store.Store
	Services *config.Services
	Log      *slog.Logger
	// Observe, when set (before the first run), is told of every hook run,
	// state runs included: the metrics count runs and failures.
	Observe func(backend, action string, ok bool, took time.Duration)

	mu      sync.Mutex
	state   map[int64]cachedState
	asking  singleflight.Group
	once    sync.Once
	running chan struct{}
}

type cachedState struct {
	at  time.Time
	run *store.HookRun
}

// ErrNoHook is returned when no command is configured for an action.
var ErrNoHook = errors.New("no hook configured")

// Configured tells whether a backend has a hook for an action.
func (r *Runner) Configured(backendName, action string) bool {
	return len(r.Services.Hooks.For(backendName).Argv(action)) > 0
}

// Run runs the hook of action for t and records the run. A hook that fails
// is recorded and returned without error: the database change that caused
// it stands. The error is for failures to record. State runs are only
// logged: they answer page views, and recording them would bury the runs
// that changed something (and grow hook_runs with every view).
func (r *Runner) Run(ctx context.Context, action string, t Target) (*store.HookRun, error) {
	set := r.Services.Hooks.For(t.Offer.Backend)
	argv := set.Argv(action)
	if len(argv) == 0 {
		return nil, ErrNoHook
	}
	timeout := set.Timeout
	if timeout <= 0 {
		timeout = r.Services.HookTimeout
	}
	env := []string{"COIN_BACKEND=" + t.Offer.Backend, "COIN_SUBSCRIPTION_ID=" + strconv.FormatInt(t.Subscription.ID, 10)}
	args, refused := Expand(argv, t)
	release, err := r.slot(ctx)
	if err != nil {
		return nil, err
	}
	run := execute(ctx, action, args, refused, env, payload(action, t), timeout)
	release()
	run.SubscriptionID = t.Subscription.ID
	if r.Observe != nil {
		r.Observe(t.Offer.Backend, action, run.OK(), run.Duration)
	}
	if action != "state" {
		if err := r.Store.RecordHookRun(context.WithoutCancel(ctx), run); err != nil {
			return run, err
		}
	}
	level := slog.LevelInfo
	if action == "state" {
		level = slog.LevelDebug
	}
	if !run.OK() {
		level = slog.LevelWarn
	}
	exit := "none"
	if run.ExitCode != nil {
		exit = strconv.Itoa(*run.ExitCode)
	}
	r.Log.Log(ctx, level, "provisioning hook", "action", action, "subscription", t.Subscription.ID,
		"exit", exit, "duration_ms", run.Duration.Milliseconds(), "error", run.Error)
	return run, nil
}

// slot waits for one of the MaxRunning places of hook processes.
func (r *Runner) slot(ctx context.Context) (release func(), err error) {
	r.once.Do(func() { r.running = make(chan struct{}, MaxRunning) })
	select {
	case r.running <- struct{}{}:
		return func() { <-r.running }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a hook slot: %w", ctx.Err())
	}
}

// State returns the last output of the state hook, running it only when
// the cached one is older than services.state_cache. Callers asking for
// the same subscription while it runs wait for that run and share it.
func (r *Runner) State(ctx context.Context, t Target) (*store.HookRun, error) {
	id := t.Subscription.ID
	if run, ok := r.cached(id); ok {
		return run, nil
	}
	v, err, _ := r.asking.Do(strconv.FormatInt(id, 10), func() (any, error) {
		if run, ok := r.cached(id); ok { // a run that finished while we waited
			return run, nil
		}
		// Detached from the first caller's request: the others share the run.
		run, err := r.Run(context.WithoutCancel(ctx), "state", t)
		if err != nil {
			return run, err
		}
		r.mu.Lock()
		if r.state == nil {
			r.state = map[int64]cachedState{}
		}
		r.state[id] = cachedState{at: time.Now(), run: run}
		r.mu.Unlock()
		return run, nil
	})
	run, _ := v.(*store.HookRun)
	return run, err
}

func (r *Runner) cached(id int64) (*store.HookRun, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.state[id]
	if ok && time.Since(c.at) < r.Services.StateCache {
		return c.run, true
	}
	return nil, false
}

// Forget drops the cached state of a subscription (after a change).
func (r *Runner) Forget(subscriptionID int64) {
	r.mu.Lock()
	delete(r.state, subscriptionID)
	r.mu.Unlock()
}

// Expand fills the placeholders inside each argument of argv; see
// command.Fill for what is refused.
func Expand(argv []string, t Target) ([]string, error) {
	values := map[string]string{
		"{subscription_id}": strconv.FormatInt(t.Subscription.ID, 10),
		"{member_login}":    t.Member.Login,
		"{offer}":           t.Offer.Reference,
		"{login}":           "",
		"{ipv4}":            "",
		"{ipv6}":            "",
	}
	if t.Config != nil {
		values["{login}"] = t.Config.Login
		values["{ipv4}"] = t.Config.Data["ipv4_endpoint"]
		values["{ipv6}"] = t.Config.Data["ipv6_endpoint"]
	}
	return command.Fill(argv, values)
}

// payload is the JSON document a hook reads on stdin.
func payload(action string, t Target) []byte {
	doc := map[string]any{
		"action":  action,
		"backend": t.Offer.Backend,
		"subscription": map[string]any{
			"id": t.Subscription.ID, "reference": t.Reference,
			"start_date": t.Subscription.StartDate.String(), "resign_date": t.Subscription.ResignDate.String(),
			"suspended": t.Subscription.Suspended,
		},
		"member": map[string]any{"id": t.Member.ID, "login": t.Member.Login, "email": t.Member.Email,
			"name": t.Member.DisplayName(), "status": t.Member.Status},
		"offer": map[string]any{"id": t.Offer.ID, "reference": t.Offer.Reference, "name": t.Offer.Name},
	}
	if t.Config != nil {
		doc["configuration"] = t.Config.Data
		doc["login"] = t.Config.Login
	}
	if t.Password != "" {
		doc["password"] = t.Password
	}
	b, _ := json.Marshal(doc)
	return append(b, '\n')
}

// execute runs argv with stdin under a timeout and reports what happened.
func execute(ctx context.Context, action string, argv []string, refused error, env []string, stdin []byte, timeout time.Duration) *store.HookRun {
	r := command.RunFilled(ctx, command.Spec{Argv: argv, Env: append(append(command.CleanEnv(), "COIN_ACTION="+action), env...),
		Stdin: stdin, Timeout: timeout, OutputLimit: OutputLimit}, refused)
	return &store.HookRun{Action: action, Argv: argv, StartedAt: r.Started, Duration: r.Duration,
		Output: r.Output, ExitCode: r.ExitCode, Error: r.Err}
}

// Problem describes a hook that cannot run, for `coin check`.
type Problem struct {
	Backend, Action, Program string
	Err                      error
}

func (p Problem) Error() string {
	return fmt.Sprintf("services.hooks.%s.%s: %s: %v", p.Backend, p.Action, p.Program, p.Err)
}

// Check looks for hooks whose program is missing or not executable.
func Check(s *config.Services) []Problem {
	var out []Problem
	for _, b := range config.BuiltinBackends {
		set := s.Hooks.For(b)
		for _, a := range config.HookActions {
			argv := set.Argv(a)
			if len(argv) == 0 {
				continue
			}
			if err := executable(argv[0]); err != nil {
				out = append(out, Problem{Backend: b, Action: a, Program: argv[0], Err: err})
			}
		}
	}
	return out
}

// executable resolves a program as exec does with the hooks' clean PATH.
func executable(prog string) error {
	if strings.Contains(prog, "/") {
		st, err := os.Stat(prog)
		if err != nil {
			return errors.New("not found")
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return errors.New("not executable")
		}
		return nil
	}
	path := strings.TrimPrefix(command.CleanEnv()[0], "PATH=")
	for _, dir := range strings.Split(path, ":") {
		if st, err := os.Stat(dir + "/" + prog); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return nil
		}
	}
	return errors.New("not found in " + path)
}
