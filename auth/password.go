// Package auth holds the rules of accounts: password hashing, tokens, CSRF
// tokens, sign-in rate limits and what each role may do.
package auth

import (
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// hashParams follow OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane):
// affordable on a Raspberry Pi serving a few logins at once.
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted from a person.
const MinPasswordLength = 8

// ErrWeakPassword is returned for passwords under MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("password must have at least %d characters", MinPasswordLength)

// HashPassword returns the argon2id hash (PHC string) of a password.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("empty password")
	}
	h, err := argon2id.CreateHash(password, hashParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// CheckPasswordStrength refuses passwords too short to resist guessing.
func CheckPasswordStrength(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return ErrWeakPassword
	}
	return nil
}

// dummyHash is compared against when a login does not exist, so that the
// answer takes as long as for a real account. Computed on first use, not at
// start: every command (coin version too) would pay 19 MiB and a hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("not a password", hashParams)
	return h
})

// CheckPassword tells whether password matches hash. An empty hash (account
// without password) never matches, and still costs one hash computation.
func CheckPassword(password, hash string) bool {
	if hash == "" {
		argon2id.ComparePasswordAndHash(password, dummyHash())
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}
