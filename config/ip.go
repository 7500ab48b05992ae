package config

import (
	"errors"
	"fmt"
	"strings"
	texttemplate "text/template"
	"time"
)

// IP holds the IP address allocation settings.
type IP struct {
	// AllocationMessage is the text/template written to the log and to the
	// pool's history for each allocation and release. It sees .Action
	// ("Allocated", "Released", "Reclaimed"), .Subnet, .Pool, .Member
	// (login, "" for none), .Subscription (reference, "" for none) and .By
	// (login of the staff member, "" for coin itself).
	AllocationMessage string `toml:"allocation_message" env:"ALLOCATION_MESSAGE"`
	// ReleaseGraceDays is how long a subnet released at the end of a
	// subscription stays out of allocation (routes, caches and reverse DNS
	// of the old holder expire meanwhile).
	ReleaseGraceDays int `toml:"release_grace_days" env:"RELEASE_GRACE_DAYS"`
}

// ReleaseGrace is ReleaseGraceDays as a duration.
func (ip IP) ReleaseGrace() time.Duration {
	return time.Duration(ip.ReleaseGraceDays) * 24 * time.Hour
}

// AllocationSample has what ip.allocation_message may use.
type AllocationSample struct {
	Action, Subnet, Pool, Member, Subscription, By string
}

// ParseAllocationMessage parses ip.allocation_message and tries it on a
// sample, so that a misspelt field is caught at start-up.
func ParseAllocationMessage(text string) (*texttemplate.Template, error) {
	tpl, err := texttemplate.New("allocation_message").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	var out strings.Builder
	if err := tpl.Execute(&out, AllocationSample{"Allocated", "198.51.100.7/32", "VPN IPv4", "login", "VPN-1", "admin"}); err != nil {
		msg, _, _ := strings.Cut(err.Error(), " in type ")
		return nil, fmt.Errorf("%s (it may use {{.Action}}, {{.Subnet}}, {{.Pool}}, {{.Member}}, {{.Subscription}}, {{.By}})", msg)
	}
	if strings.TrimSpace(out.String()) == "" {
		return nil, errors.New("gives an empty message")
	}
	return tpl, nil
}

func (ip *IP) validate() error {
	if _, err := ParseAllocationMessage(ip.AllocationMessage); err != nil {
		return fmt.Errorf("ip.allocation_message: %v", err)
	}
	if ip.ReleaseGraceDays < 0 || ip.ReleaseGraceDays > 3650 {
		return fmt.Errorf("ip.release_grace_days: %d is out of 0..3650", ip.ReleaseGraceDays)
	}
	return nil
}
