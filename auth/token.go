package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a random URL-safe token of 32 bytes of entropy.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // cannot happen on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is what the database keeps of a session or e-mailed token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CSRFToken derives the form token from what it is bound to (the session,
// or a random cookie before sign-in): HMAC(secret, binding).
func CSRFToken(secret []byte, binding string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("csrf:" + binding))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF verifies a submitted token against its binding, in constant time.
func CheckCSRF(secret []byte, binding, submitted string) bool {
	if binding == "" || submitted == "" {
		return false
	}
	want := CSRFToken(secret, binding)
	return subtle.ConstantTimeCompare([]byte(want), []byte(submitted)) == 1
}
