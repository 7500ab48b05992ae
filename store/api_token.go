package store

import (
	"context"
	"fmt"
	"time"
)

// API token scopes: a read token only reads; a write token may also write
// what its owner's role allows.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// APIToken is a personal access token for the REST API. The database keeps
// only the SHA-256 of the token (see migration 0025).
type APIToken struct {
	ID         int64
	MemberID   int64
	Name       string
	Scope      string
	CreatedBy  *int64
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time

	MemberLogin string // filled by queries
	MemberRole  string
}

// Live tells whether the token may still be used at t.
func (t *APIToken) Live(at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(at))
}

const apiTokenColumns = `t.id, t.member_id, t.name, t.scope, t.created_by, t.created_at, t.expires_at,
	t.last_used_at, t.revoked_at, m.login, m.role`

func scanAPIToken(row scanner) (*APIToken, error) {
	var t APIToken
	err := row.Scan(&t.ID, &t.MemberID, &t.Name, &t.Scope, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt,
		&t.LastUsedAt, &t.RevokedAt, &t.MemberLogin, &t.MemberRole)
	return &t, err
}

// CreateAPIToken stores a token by the hash of its secret and sets its ID.
func (s *Store) CreateAPIToken(ctx context.Context, t *APIToken, tokenHash string) error {
	if t.Scope != ScopeRead && t.Scope != ScopeWrite {
		return fmt.Errorf("create api token: unknown scope %q", t.Scope)
	}
	t.CreatedAt = s.now()
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.UTC().Truncate(time.Microsecond)
		t.ExpiresAt = &e
	}
	id, err := s.insert(ctx, `INSERT INTO api_tokens (member_id, token_hash, name, scope, created_by, created_at,
		expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, t.MemberID, tokenHash, t.Name, t.Scope, t.CreatedBy,
		t.CreatedAt, t.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create api token of member %d: %w", t.MemberID, err)
	}
	t.ID = id
	return nil
}

// APITokenByHash returns the token with this hash, live or not (the caller
// tells refusals apart), with its owner's login and current role: a token
// acts with the role its owner has now, not the one at creation.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash string) (*APIToken, error) {
	t, err := scanAPIToken(s.queryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t
		JOIN members m ON m.id = t.member_id WHERE t.token_hash = ?`, tokenHash))
	if err != nil {
		return nil, notFound(err, "api token", "")
	}
	return t, nil
}

// TouchAPIToken records a use of the token, at most once a minute: the
// condition makes most requests write nothing.
func (s *Store) TouchAPIToken(ctx context.Context, id int64) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?
		AND (last_used_at IS NULL OR last_used_at < ?)`, now, id, now.Add(-time.Minute))
	if err != nil {
		return fmt.Errorf("touch api token %d: %w", id, err)
	}
	return nil
}

// RevokeAPIToken ends a token; revoking it again changes nothing.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, s.now(), id)
	if err != nil {
		return fmt.Errorf("revoke api token %d: %w", id, err)
	}
	return expectOne(res, "api token", id)
}

// APITokenByID returns one token.
func (s *Store) APITokenByID(ctx context.Context, id int64) (*APIToken, error) {
	t, err := scanAPIToken(s.queryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t
		JOIN members m ON m.id = t.member_id WHERE t.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "api token", id)
	}
	return t, nil
}

// ListAPITokens returns the tokens, newest first: of one member when
// memberID is set. Tokens are few (staff create them by hand).
func (s *Store) ListAPITokens(ctx context.Context, memberID int64) ([]*APIToken, error) {
	rows, err := s.query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t
		JOIN members m ON m.id = t.member_id WHERE (? = 0 OR t.member_id = ?) ORDER BY t.id DESC`, memberID, memberID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("scan api token: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
