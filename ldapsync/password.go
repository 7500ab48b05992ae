package ldapsync

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
)

// HashSSHA returns password in OpenLDAP's {SSHA} form: base64 of
// SHA-1(password + salt) followed by the 8-byte random salt. It is the
// scheme every LDAP server and RADIUS reading userPassword understands;
// coin keeps only this, never the password itself.
func HashSSHA(password string) string {
	var salt [8]byte
	if _, err := rand.Read(salt[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	h := sha1.New()
	h.Write([]byte(password))
	h.Write(salt[:])
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h.Sum(nil), salt[:]...))
}
