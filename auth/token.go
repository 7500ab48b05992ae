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

// CSRFToken derives the form token from the browser's CSRF cookie value:
// HMAC(secret, cookie). A forged cookie (e.g. set from a sibling subdomain)
// gives no valid token without the server's secret.
func CSRFToken(secret []byte, cookie string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("csrf:" + cookie))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF verifies a submitted token against the cookie, in constant time.
func CheckCSRF(secret []byte, cookie, submitted string) bool {
	if cookie == "" || submitted == "" {
		return false
	}
	want := CSRFToken(secret, cookie)
	return subtle.ConstantTimeCompare([]byte(want), []byte(submitted)) == 1
}
