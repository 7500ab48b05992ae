package config

import (
	"errors"
	"fmt"
	"strings"
	texttemplate "text/template"
	"time"
)

// Services holds the configuration backends and their provisioning hooks.
type Services struct {
	Enabled               []string      `toml:"enabled" env:"ENABLED"`
	MemberCanEditVPNConf  bool          `toml:"member_can_edit_vpn_conf" env:"MEMBER_CAN_EDIT_VPN_CONF"`
	SubscriptionReference string        `toml:"subscription_reference" env:"SUBSCRIPTION_REFERENCE"`
	HookTimeout           time.Duration `toml:"hook_timeout" env:"HOOK_TIMEOUT"`
	StateCache            time.Duration `toml:"state_cache" env:"STATE_CACHE"`
	Hooks                 Hooks         `toml:"hooks" envPrefix:"HOOKS_"`
}

// Hooks are the provisioning commands of each built-in backend.
type Hooks struct {
	VPN       HookSet `toml:"vpn" envPrefix:"VPN_"`
	DSL       HookSet `toml:"dsl" envPrefix:"DSL_"`
	SimpleDSL HookSet `toml:"simple_dsl" envPrefix:"SIMPLE_DSL_"`
	VPS       HookSet `toml:"vps" envPrefix:"VPS_"`
	Housing   HookSet `toml:"housing" envPrefix:"HOUSING_"`
}

// HookSet is the argv of each action of one backend; an empty argv means
// no hook for that action.
type HookSet struct {
	Provision   []string      `toml:"provision" env:"PROVISION"`
	Suspend     []string      `toml:"suspend" env:"SUSPEND"`
	Resume      []string      `toml:"resume" env:"RESUME"`
	Deprovision []string      `toml:"deprovision" env:"DEPROVISION"`
	State       []string      `toml:"state" env:"STATE"`
	Timeout     time.Duration `toml:"timeout" env:"TIMEOUT"`
}

// HookActions are the actions a hook can serve, in display order.
var HookActions = []string{"provision", "suspend", "resume", "deprovision", "state"}

// Argv returns the command of an action (nil when none is set).
func (h HookSet) Argv(action string) []string {
	if p := h.Ptr(action); p != nil {
		return *p
	}
	return nil
}

// Ptr returns a pointer to the command of an action (nil for an unknown action).
func (h *HookSet) Ptr(action string) *[]string {
	switch action {
	case "provision":
		return &h.Provision
	case "suspend":
		return &h.Suspend
	case "resume":
		return &h.Resume
	case "deprovision":
		return &h.Deprovision
	case "state":
		return &h.State
	}
	return nil
}

// For returns the hooks of a backend by name.
func (h *Hooks) For(backend string) HookSet {
	switch backend {
	case "vpn":
		return h.VPN
	case "dsl":
		return h.DSL
	case "simple_dsl":
		return h.SimpleDSL
	case "vps":
		return h.VPS
	case "housing":
		return h.Housing
	}
	return HookSet{}
}

// BuiltinBackends are the configuration backends coin knows.
var BuiltinBackends = []string{"vpn", "dsl", "simple_dsl", "vps", "housing"}

// BackendEnabled tells whether offers of a backend may be subscribed.
func (c *Config) BackendEnabled(name string) bool {
	for _, e := range c.Services.Enabled {
		if e == name {
			return true
		}
	}
	return false
}

func (s *Services) validate() error {
	for _, e := range s.Enabled {
		known := false
		for _, b := range BuiltinBackends {
			known = known || b == e
		}
		if !known {
			return fmt.Errorf("services.enabled: unknown backend %q (known: %s)", e, strings.Join(BuiltinBackends, ", "))
		}
	}
	if _, err := texttemplate.New("ref").Option("missingkey=error").Parse(s.SubscriptionReference); err != nil || s.SubscriptionReference == "" {
		return fmt.Errorf("services.subscription_reference: not a valid template: %v", err)
	}
	if s.HookTimeout <= 0 {
		return errors.New("services.hook_timeout: must be positive")
	}
	if s.StateCache < 0 {
		return errors.New("services.state_cache: must not be negative")
	}
	for _, b := range BuiltinBackends {
		set := s.Hooks.For(b)
		if set.Timeout < 0 {
			return fmt.Errorf("services.hooks.%s.timeout: must not be negative", b)
		}
		for _, a := range HookActions {
			if argv := set.Argv(a); len(argv) > 0 && strings.TrimSpace(argv[0]) == "" {
				return fmt.Errorf("services.hooks.%s.%s: the program (first element) is empty", b, a)
			}
		}
	}
	return nil
}
