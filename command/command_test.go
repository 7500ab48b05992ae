package command

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOutputIsCappedAndCleaned(t *testing.T) {
	r := Run(context.Background(), Spec{Argv: []string{"/bin/sh", "-c", `printf 'a\000b\377c'; head -c 10000 /dev/zero | tr '\0' x`},
		Env: []string{"PATH=/usr/bin:/bin"}, Timeout: 5 * time.Second, OutputLimit: 100})
	if !r.OK() {
		t.Fatalf("%+v", r)
	}
	if !strings.HasPrefix(r.Output, "ab\uFFFDcxxx") || !strings.Contains(r.Output, "more bytes not kept") {
		t.Fatalf("output %q", r.Output)
	}
}

func TestTimeoutKillsTheGroupAndStdinArrives(t *testing.T) {
	start := time.Now()
	r := Run(context.Background(), Spec{Argv: []string{"/bin/sh", "-c", "sleep 30 & cat; wait"},
		Env: []string{"PATH=/usr/bin:/bin"}, Stdin: []byte("hello\n"), Timeout: 300 * time.Millisecond, OutputLimit: 100})
	if time.Since(start) > 5*time.Second || r.ExitCode != nil || !strings.Contains(r.Err, "timeout") || r.Output != "hello\n" {
		t.Fatalf("%+v after %s", r, time.Since(start))
	}
	if r := Run(context.Background(), Spec{Argv: []string{"/nonexistent"}, Timeout: time.Second}); !strings.Contains(r.Err, "could not start") {
		t.Fatalf("missing program: %+v", r)
	}
}
