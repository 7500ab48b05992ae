package config

import (
	"fmt"
	"time"
)

// SNMP is how the snmp-poll job watches the network devices of the inventory.
type SNMP struct {
	// Retention is how long samples are kept for the traffic graphs.
	Retention time.Duration `toml:"retention" env:"RETENTION"`
	// Timeout is the wait for each answer (one retry follows).
	Timeout time.Duration `toml:"timeout" env:"TIMEOUT"`
}

func (s *SNMP) validate() error {
	if s.Retention < time.Hour || s.Retention > 90*24*time.Hour {
		return fmt.Errorf("snmp.retention: %s is not between 1h and 2160h", s.Retention)
	}
	if s.Timeout < 100*time.Millisecond || s.Timeout > time.Minute {
		return fmt.Errorf("snmp.timeout: %s is not between 100ms and 1m", s.Timeout)
	}
	return nil
}
