package auth

import "time"

// Sign-in throttling: after MaxFailuresPerLogin failures on one login, or
// MaxFailuresPerIP from one address, within FailureWindow, further attempts
// are refused until older failures leave the window. Counted in the database
// so that limits hold across restarts and several processes.
const (
	FailureWindow       = 15 * time.Minute
	MaxFailuresPerLogin = 5
	MaxFailuresPerIP    = 20
)

// LoginAllowed applies the limits to the failure counts.
func LoginAllowed(byLogin, byIP int) bool {
	return byLogin < MaxFailuresPerLogin && byIP < MaxFailuresPerIP
}
