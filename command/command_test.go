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

func TestFillNeverTurnsDataIntoAnOption(t *testing.T) {
	values := map[string]string{"{email}": "--config=/tmp/evil@example.org", "{login}": "alice"}
	argv, err := Fill([]string{"/usr/bin/sync", "--list={email}", "{login}"}, values)
	if err != nil || argv[1] != "--list=--config=/tmp/evil@example.org" || argv[2] != "alice" {
		t.Fatalf("inside an option: %q %v", argv, err)
	}
	if _, err := Fill([]string{"/usr/bin/sync", "{email}"}, values); err == nil || !strings.Contains(err.Error(), "argument 1") {
		t.Fatalf("a whole argument starting with -: %v", err)
	}
	if argv, err := Fill([]string{"/usr/bin/sync", "a b {login}"}, values); err != nil || len(argv) != 2 || argv[1] != "a b alice" {
		t.Fatalf("a value split or joined arguments: %q %v", argv, err)
	}
}
