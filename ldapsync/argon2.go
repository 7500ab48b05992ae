package ldapsync

import (
	"github.com/alexedwards/argon2id"
)

// argon2Params are those of {ARGON2} LDAP passwords: the server computes
// one at every bind of a VPN or PPP login, so memory is OWASP's minimum
// for argon2id (19 MiB, 2 passes) rather than more.
var argon2Params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashArgon2 returns password as "{ARGON2}$argon2id$v=19$m=…,t=…,p=…$salt$hash",
// the PHC string OpenLDAP's argon2 module (pw-argon2) checks.
func HashArgon2(password string) (string, error) {
	h, err := argon2id.CreateHash(password, argon2Params)
	if err != nil {
		return "", err
	}
	return "{ARGON2}" + h, nil
}
