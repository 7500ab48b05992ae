package store

import (
	"context"
	"fmt"
	"time"
)

// CreateMemberToken stores the hash of a single-use token sent by e-mail.
// It replaces the member's other live tokens of that purpose: only the
// newest link works.
func (s *Store) CreateMemberToken(ctx context.Context, memberID int64, purpose, tokenHash string, expires time.Time) error {
	if err := s.RevokeMemberTokens(ctx, memberID, purpose); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO member_tokens (token_hash, member_id, purpose, created_at,
		expires_at) VALUES (?, ?, ?, ?, ?)`, tokenHash, memberID, purpose, s.now(), expires.UTC())
	if err != nil {
		return fmt.Errorf("create %s token for member %d: %w", purpose, memberID, err)
	}
	return nil
}

// UseMemberToken consumes a live token and returns its member id. A token
// works once: the update that marks it used is the check.
func (s *Store) UseMemberToken(ctx context.Context, purpose, tokenHash string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `UPDATE member_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ? RETURNING member_id`,
		s.now(), tokenHash, purpose, s.now()).Scan(&id)
	if err != nil {
		return 0, notFound(err, purpose+" token", "")
	}
	return id, s.RevokeMemberTokens(ctx, id, purpose)
}

// RevokeMemberTokens ends the member's live tokens of purpose (all purposes
// when purpose is empty): on use, on a newer link, on a change of address.
func (s *Store) RevokeMemberTokens(ctx context.Context, memberID int64, purpose string) error {
	_, err := s.exec(ctx, `UPDATE member_tokens SET used_at = ? WHERE member_id = ? AND used_at IS NULL
		AND (purpose = ? OR ? = '')`, s.now(), memberID, purpose, purpose)
	if err != nil {
		return fmt.Errorf("revoke %s tokens of member %d: %w", purpose, memberID, err)
	}
	return nil
}

// MemberTokenValid tells whether a token could be used now, without using it.
func (s *Store) MemberTokenValid(ctx context.Context, purpose, tokenHash string) bool {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM member_tokens WHERE token_hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ?`, tokenHash, purpose, s.now()).Scan(&n)
	return err == nil && n == 1
}
