package maillists

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

// maxOutput is how much of the command's output is kept.
const maxOutput = 4 << 10

// result is what one run of the command gave.
type result struct {
	started  time.Time
	duration time.Duration
	exitCode int
	output   string
	err      string // "" on success
}

// run executes argv with the addresses on stdin, one a line, a clean
// environment (PATH only) and a timeout. The command and what it starts
// are killed at the timeout.
func run(ctx context.Context, argv []string, addresses []string, timeout time.Duration) result {
	res := result{started: time.Now(), exitCode: -1}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdin bytes.Buffer
	for _, a := range addresses {
		stdin.WriteString(a)
		stdin.WriteByte('\n')
	}
	out := &cappedBuffer{max: maxOutput}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdin = &stdin
	cmd.Stdout, cmd.Stderr = out, out
	killGroup(cmd)
	// If a child keeps the output pipe open after the kill, stop waiting.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	res.duration = time.Since(res.started)
	res.output = out.String()
	if cmd.ProcessState != nil {
		res.exitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case err == nil:
	case ctx.Err() == context.DeadlineExceeded:
		res.err = fmt.Sprintf("timed out after %s", timeout)
	case ctx.Err() != nil:
		res.err = "cancelled: " + ctx.Err().Error()
	default:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.err = ee.Error()
		} else {
			res.err = err.Error()
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
	room := c.max - c.buf.Len()
	if room > len(p) {
		room = len(p)
	}
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
