package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Maillists holds the mailing lists and how they reach the list server.
type Maillists struct {
	Enabled bool `toml:"enabled" env:"ENABLED"`
	// SyncCommand is run after each change of a list, as an argv (never a
	// shell), with {email} and {short_name} replaced in each argument and
	// the list's addresses on stdin, one a line. Empty: lists are kept in
	// coin only.
	SyncCommand []string      `toml:"sync_command" env:"SYNC_COMMAND"`
	SyncTimeout time.Duration `toml:"sync_timeout" env:"SYNC_TIMEOUT"`
	// AutoSubscribe lists the short names of the lists a member joins when
	// their status becomes member.
	AutoSubscribe []string `toml:"auto_subscribe" env:"AUTO_SUBSCRIBE"`
}

// ListShortName is the form of a mailing list's short name.
var ListShortName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func (m *Maillists) validate() error {
	if len(m.SyncCommand) > 0 && strings.TrimSpace(m.SyncCommand[0]) == "" {
		return errors.New("maillists.sync_command: the first element, the program to run, is empty")
	}
	if m.SyncTimeout < time.Second {
		return fmt.Errorf("maillists.sync_timeout: %s is too short (at least 1s)", m.SyncTimeout)
	}
	for _, n := range m.AutoSubscribe {
		if !ListShortName.MatchString(n) {
			return fmt.Errorf("maillists.auto_subscribe: %q is not a list short name", n)
		}
	}
	return nil
}
