package maillists

import (
	"context"
	"strconv"
	"strings"
	"time"

	"coin/command"
)

// maxOutput is how much of the command's output is kept.
const maxOutput = 4 << 10

// result is what one run of the command gave.
type result struct {
	started  time.Time
	duration time.Duration
	exitCode int // -1 when it did not start or was killed
	output   string
	err      string // "" on success
}

// run executes argv with the addresses on stdin, one a line, an environment
// of PATH only and a timeout; the command and what it starts are killed at
// the timeout.
func run(ctx context.Context, argv []string, refused error, addresses []string, timeout time.Duration) result {
	var stdin strings.Builder
	for _, a := range addresses {
		stdin.WriteString(a)
		stdin.WriteByte('\n')
	}
	r := command.RunFilled(ctx, command.Spec{Argv: argv, Env: command.CleanEnv(),
		Stdin: []byte(stdin.String()), Timeout: timeout, OutputLimit: maxOutput}, refused)
	res := result{started: r.Started, duration: r.Duration, exitCode: -1, output: r.Output, err: r.Err}
	if r.ExitCode != nil {
		res.exitCode = *r.ExitCode
		if *r.ExitCode != 0 && res.err == "" {
			res.err = "exit status " + strconv.Itoa(*r.ExitCode)
		}
	}
	return res
}
