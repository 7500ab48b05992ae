package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"coin/config"
)

// DemoHookCmd stands in for an ISP's provisioning scripts in the demo: it
// reads the payload like a real hook and says what it would do.
type DemoHookCmd struct {
	Action string   `arg:"" help:"provision, suspend, resume, deprovision or state."`
	Args   []string `arg:"" optional:"" help:"Arguments after placeholder expansion."`
}

func (d *DemoHookCmd) Run(g *Globals) error {
	raw, err := io.ReadAll(io.LimitReader(g.Stdin, 1<<20))
	if err != nil {
		return err
	}
	var doc struct {
		Backend string `json:"backend"`
		Login   string `json:"login"`
		Offer   struct {
			Reference string `json:"reference"`
		} `json:"offer"`
		Subscription struct {
			ID int64 `json:"id"`
		} `json:"subscription"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("demo hook: payload is not JSON: %w", err)
	}
	if d.Action == "state" {
		fmt.Fprintf(g.Stdout, `{"state": "running", "host": "demo-hv1", "uptime": "%dd"}`+"\n", doc.Subscription.ID%30+1)
		return nil
	}
	fmt.Fprintf(g.Stdout, "demo: %s %s subscription %d (offer %s, login %q, arguments %q)\n",
		d.Action, doc.Backend, doc.Subscription.ID, doc.Offer.Reference, doc.Login, d.Args)
	if doc.Password != "" {
		fmt.Fprintln(g.Stdout, "demo: a new password was received (not printed)")
	}
	return nil
}

// useDemoHooks points every unset hook of the demo at `coin demo-hook`, so
// that the demo shows real hook runs without any script installed.
func useDemoHooks(s *config.Services) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("demo hooks: %w", err)
	}
	for _, set := range []*config.HookSet{&s.Hooks.VPN, &s.Hooks.DSL, &s.Hooks.SimpleDSL, &s.Hooks.VPS, &s.Hooks.Housing} {
		for _, a := range config.HookActions {
			hook := set.Ptr(a)
			if len(*hook) == 0 {
				*hook = []string{exe, "demo-hook", a, "{login}", "{member_login}"}
			}
		}
	}
	return nil
}
