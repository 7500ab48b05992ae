package provision

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/config"
	"coin/store"
	"coin/store/storetest"
)

// TestRouterOSExampleHook runs examples/routeros/pppoe-secret as coin runs
// hooks, with a stand-in for ssh that records the RouterOS commands.
func TestRouterOSExampleHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		script, _ := filepath.Abs(filepath.Join("..", "examples", "routeros", "pppoe-secret"))
		dir := t.TempDir()
		log := filepath.Join(dir, "ssh.log")
		fake := filepath.Join(dir, "ssh")
		os.WriteFile(fake, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> "+log+"\necho --- >> "+log+"\n"), 0o755)
		conf := filepath.Join(dir, "routeros.conf")
		os.WriteFile(conf, []byte("ROUTEROS_HOST=192.0.2.1\nROUTEROS_PROFILE=members\nROUTEROS_SSH="+fake+"\n"), 0o600)
		hook := []string{script, conf, "{login}", "{ipv4}"}
		r := runner(s, config.HookSet{Provision: hook, Suspend: hook, Resume: hook, Deprovision: hook})
		tg := fixture(t, s, "alice-dsl")
		ctx := context.Background()

		last := func() string {
			b, _ := os.ReadFile(log)
			parts := strings.Split(strings.TrimSuffix(string(b), "---\n"), "---\n")
			return parts[len(parts)-1]
		}
		tg.Password = "Abc23456789xyzWQ"
		run, err := r.Run(ctx, "provision", tg)
		if err != nil || !run.OK() {
			t.Fatalf("provision: %v %+v", err, run)
		}
		got := last()
		for _, want := range []string{"coin@192.0.2.1", "BatchMode=yes", `/ppp secret add name="alice-dsl"`,
			`password="Abc23456789xyzWQ"`, "remote-address=192.0.2.7 ", `profile="members"`, `[find where name="alice-dsl"]`} {
			if !strings.Contains(got, want) {
				t.Errorf("provision: no %q in\n%s", want, got)
			}
		}
		// A later provision (an edit) carries no password: it is left as it is.
		tg.Password = ""
		r.Run(ctx, "provision", tg)
		if strings.Contains(last(), "password=") {
			t.Errorf("provision without a new password sets one:\n%s", last())
		}
		for action, want := range map[string]string{"suspend": "/ppp secret disable", "resume": "/ppp secret enable",
			"deprovision": "/ppp secret remove"} {
			if run, _ := r.Run(ctx, action, tg); !run.OK() || !strings.Contains(last(), want) {
				t.Errorf("%s: %+v\n%s", action, run, last())
			}
		}
		// A prefix cannot be a PPPoE remote address: refused, recorded as failed.
		tg.Config.Data["ipv4_endpoint"] = "192.0.2.8/29"
		if run, _ := r.Run(ctx, "provision", tg); run.OK() || !strings.Contains(run.Output, "is a prefix") {
			t.Errorf("prefix: %+v", run)
		}
	})
}
