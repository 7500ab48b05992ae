package auth

import "time"

// Sign-in throttling, counted in the database so that limits hold across
// restarts and several processes. Within FailureWindow:
//   - MaxFailuresPerPair failures of one login from one address lock that
//     pair, so that a guesser cannot lock the owner out from elsewhere;
//   - MaxFailuresPerLogin failures of one login from anywhere lock the
//     login (the ceiling a botnet meets);
//   - MaxFailuresPerIP failures from one address lock the address.
//
// An attempt is recorded as a failure before its password is checked and
// counts itself, so parallel attempts cannot all pass the check.
const (
	FailureWindow       = 15 * time.Minute
	MaxFailuresPerPair  = 5
	MaxFailuresPerLogin = 50
	MaxFailuresPerIP    = 20
)

// SessionMaxAge is how long a session lasts at most, however active: the
// sliding server.session_lifetime alone would let a stolen cookie live forever.
const SessionMaxAge = 30 * 24 * time.Hour

// MaxLoginLength and MaxPasswordLength bound what a sign-in form may carry:
// longer values are refused before anything is stored or hashed.
const (
	MaxLoginLength    = 150
	MaxPasswordLength = 1024
)

// LoginCounts are the failures in the window, the attempt being made included.
type LoginCounts struct{ Pair, Login, IP int }

// LoginAllowed applies the limits to the failure counts.
func LoginAllowed(n LoginCounts) bool {
	return n.Pair <= MaxFailuresPerPair && n.Login <= MaxFailuresPerLogin && n.IP <= MaxFailuresPerIP
}

// Limits of the public forms that send e-mail or tell whether a login
// exists, per client address and per target, within ThrottleWindow. Beyond
// a per-client limit the client is told to wait (429); beyond a per-target
// limit nothing more is sent and the answer does not change, so the form
// still says nothing of which accounts exist.
const (
	ThrottleWindow    = time.Hour
	ResetsPerClient   = 5
	ResetsPerAccount  = 3
	SignUpsPerClient  = 5
	SignUpsPerAddress = 3
)
