package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/model"
	"coin/store"
)

// TokenPrefix starts every token: a secret scanner (or a person) can tell
// a coin token in a leaked file.
const TokenPrefix = "coin_"

// CreateToken makes a personal access token for member with scope, valid
// until expires (nil: until revoked), created by staff member by. It
// returns the token, which is shown once: the database keeps only its
// SHA-256. A fast hash is enough here, unlike for passwords: the token is
// 32 random bytes, so there is nothing to guess from a stolen hash, and a
// fast hash lets each request be checked by one indexed lookup.
func CreateToken(ctx context.Context, s *store.Store, member *store.Member, scope, name string, expires *time.Time, by *int64) (string, *store.APIToken, error) {
	if scope != store.ScopeRead && scope != store.ScopeWrite {
		return "", nil, fmt.Errorf("scope %q: want read or write", scope)
	}
	if expires != nil && !expires.After(s.Now()) {
		return "", nil, fmt.Errorf("expiry %s is in the past", expires.Format(time.RFC3339))
	}
	secret := TokenPrefix + auth.NewToken()
	t := &store.APIToken{MemberID: member.ID, Name: name, Scope: scope, ExpiresAt: expires, CreatedBy: by,
		MemberLogin: member.Login, MemberRole: member.Role}
	err := s.Tx(ctx, func(tx *store.Store) error { return tx.CreateAPIToken(ctx, t, auth.HashToken(secret)) })
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// ParseExpiry reads an expiry given as a duration ("90d", "720h") or a
// date (YYYY-MM-DD, the end of that day UTC); "" is no expiry.
func ParseExpiry(v string, now time.Time) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		t = t.Add(24*time.Hour - time.Second)
		return &t, nil
	}
	var days int
	if n, err := fmt.Sscanf(v, "%dd", &days); err == nil && n == 1 && fmt.Sprintf("%dd", days) == v && days > 0 {
		t := now.Add(time.Duration(days) * 24 * time.Hour)
		return &t, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("expiry %q: want a number of days (90d), a duration (720h) or a date (2027-01-31)", v)
	}
	t := now.Add(d)
	return &t, nil
}

// RevokeToken ends a token at once: the next request with it is refused.
func RevokeToken(ctx context.Context, s *store.Store, id int64) error {
	return s.Tx(ctx, func(tx *store.Store) error { return tx.RevokeAPIToken(ctx, id) })
}

// AdminToken tells whether the request carries a live bearer token of an
// admin (what /metrics asks when it is not public). The same rules as the
// API's: revoked and expired tokens count for nothing, the owner's role is
// read as it is now.
func AdminToken(c *fiber.Ctx, s *store.Store) bool {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false
	}
	t, err := s.APITokenByHash(c.UserContext(), auth.HashToken(token))
	if err != nil || t.RevokedAt != nil || !t.Live(s.Now()) {
		return false
	}
	return t.MemberRole == model.RoleAdmin
}
