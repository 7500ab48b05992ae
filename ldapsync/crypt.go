package ldapsync

import (
	"crypto/rand"
	"crypto/sha512"
)

// SHA-512 crypt ("$6$", Ulrich Drepper's specification, as glibc and
// libxcrypt implement it), for {CRYPT} userPassword values: slapd checks
// them with the system's crypt(3), and so do PAM and FreeRADIUS.

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// HashCrypt returns password as "{CRYPT}$6$salt$hash" with a random
// 16-character salt and the default 5000 rounds.
func HashCrypt(password string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	salt := make([]byte, len(b))
	for i, c := range b {
		salt[i] = cryptAlphabet[int(c)%len(cryptAlphabet)]
	}
	return "{CRYPT}" + sha512Crypt([]byte(password), salt)
}

// sha512Crypt is "$6$<salt>$<hash>" with 5000 rounds (the salt at most 16 bytes).
func sha512Crypt(pw, salt []byte) string {
	const rounds = 5000
	if len(salt) > 16 {
		salt = salt[:16]
	}
	h := sha512.New()
	h.Write(pw)
	h.Write(salt)
	h.Write(pw)
	b := h.Sum(nil)

	h.Reset()
	h.Write(pw)
	h.Write(salt)
	i := len(pw)
	for ; i > 64; i -= 64 {
		h.Write(b)
	}
	h.Write(b[:i])
	for i = len(pw); i > 0; i >>= 1 {
		if i&1 != 0 {
			h.Write(b)
		} else {
			h.Write(pw)
		}
	}
	a := h.Sum(nil)

	h.Reset()
	for range len(pw) {
		h.Write(pw)
	}
	p := repeatTo(h.Sum(nil), len(pw))

	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(salt)
	}
	s := repeatTo(h.Sum(nil), len(salt))

	for r := range rounds {
		h.Reset()
		if r&1 != 0 {
			h.Write(p)
		} else {
			h.Write(a)
		}
		if r%3 != 0 {
			h.Write(s)
		}
		if r%7 != 0 {
			h.Write(p)
		}
		if r&1 != 0 {
			h.Write(a)
		} else {
			h.Write(p)
		}
		a = h.Sum(a[:0])
	}

	out := []byte("$6$" + string(salt) + "$")
	enc := func(b2, b1, b0 byte, n int) {
		w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
		for range n {
			out = append(out, cryptAlphabet[w&0x3f])
			w >>= 6
		}
	}
	for i := range 21 {
		// The specification's byte order: (0,21,42), (22,43,1), (44,2,23)…
		x, y, z := (i*22)%63, (i*22+21)%63, (i*22+42)%63
		enc(a[x], a[y], a[z], 4)
	}
	enc(0, 0, a[63], 2)
	return string(out)
}

// repeatTo is digest repeated and cut to n bytes.
func repeatTo(digest []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, digest[:min(len(digest), n-len(out))]...)
	}
	return out
}
