// Package command runs the external programs an ISP plugs into coin
// (provisioning hooks, the mailing list sync): an argv without a shell, the
// environment given and nothing else, stdin, a timeout after which the whole
// process group is killed, and the output kept up to a limit.
package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// CleanEnv is the environment the outside programs coin runs start from:
// a fixed PATH and the locale, nothing of coin's own (its database DSN,
// secret key or SMTP password stay out of reach of hooks and list commands).
func CleanEnv() []string {
	return []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
}

// Spec says what to run and how.
type Spec struct {
	Argv        []string
	Env         []string // the whole environment of the program (start from CleanEnv)
	Stdin       []byte
	Timeout     time.Duration
	OutputLimit int // bytes of stdout and stderr kept
}

// Result is what a run gave.
type Result struct {
	Started  time.Time
	Duration time.Duration
	ExitCode *int   // nil when the program did not start or was killed
	Output   string // stdout and stderr, cut at OutputLimit, valid UTF-8 without NUL
	Err      string // "" when the program ran to its end
}

// Fill replaces the placeholders (keys of values, such as "{login}")
// inside each argument of argv. A value never splits or joins arguments,
// and an argument that a value would turn into an option (starting with
// "-" where the configured argument does not) is refused: data typed in a
// form must not reach a program as one of its flags.
func Fill(argv []string, values map[string]string) ([]string, error) {
	pairs := make([]string, 0, 2*len(values))
	for k, v := range values {
		pairs = append(pairs, k, v)
	}
	rep := strings.NewReplacer(pairs...)
	out := make([]string, len(argv))
	var refused error
	for i, a := range argv {
		out[i] = rep.Replace(a)
		if i > 0 && strings.HasPrefix(out[i], "-") && !strings.HasPrefix(a, "-") && refused == nil {
			refused = fmt.Errorf("argument %d (%q) would start with \"-\" once filled (%q): not run", i, a, out[i])
		}
	}
	return out, refused
}

// RunFilled runs s, whose argv comes from Fill, unless Fill refused it:
// the refusal is then the result, and nothing runs.
func RunFilled(ctx context.Context, s Spec, refused error) Result {
	if refused != nil {
		return Result{Started: time.Now(), Err: refused.Error()}
	}
	return Run(ctx, s)
}

// OK tells whether the program ran and exited 0.
func (r Result) OK() bool { return r.Err == "" && r.ExitCode != nil && *r.ExitCode == 0 }

// Run executes s under ctx. It never returns an error: what went wrong is
// in Result.Err, for the caller to record.
func Run(ctx context.Context, s Spec) Result {
	res := Result{Started: time.Now()}
	if len(s.Argv) == 0 || s.Argv[0] == "" {
		res.Err = "no program to run"
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Argv[0], s.Argv[1:]...)
	cmd.Env = s.Env
	cmd.Stdin = bytes.NewReader(s.Stdin)
	out := &cappedBuffer{max: s.OutputLimit}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = os.TempDir()
	killGroup(cmd)
	// A child that keeps the output pipe open after the kill is not waited for.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	res.Duration = time.Since(res.Started)
	res.Output = out.String()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		res.Err = fmt.Sprintf("killed after the %s timeout", s.Timeout)
		return res
	case ctx.Err() != nil:
		res.Err = "cancelled: " + ctx.Err().Error()
		return res
	case err != nil && cmd.ProcessState == nil:
		res.Err = "could not start: " + err.Error()
		return res
	}
	if code := cmd.ProcessState.ExitCode(); code >= 0 {
		res.ExitCode = &code
	} else {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.Err = ee.Error()
		} else {
			res.Err = cmd.ProcessState.String()
		}
	}
	return res
}

// cappedBuffer keeps the first max bytes written and counts the rest.
type cappedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := min(c.max-c.buf.Len(), len(p))
	if room > 0 {
		c.buf.Write(p[:room])
	}
	c.dropped += len(p) - max(room, 0)
	return len(p), nil
}

// String is the output kept, as valid UTF-8 without NUL bytes (PostgreSQL
// text refuses both), with a note of what was cut.
func (c *cappedBuffer) String() string {
	s := strings.ToValidUTF8(c.buf.String(), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if c.dropped > 0 {
		s += fmt.Sprintf("\n[… %d more bytes not kept]", c.dropped)
	}
	return s
}
