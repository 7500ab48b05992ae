package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in browser. The cookie holds a random token; only its
// hash is kept here.
type Session struct {
	TokenHash  string
	MemberID   int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	now := s.now()
	sess.CreatedAt, sess.LastSeenAt = now, now
	_, err := s.exec(ctx, `INSERT INTO sessions (token_hash, member_id, created_at, expires_at,
		last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sess.TokenHash, sess.MemberID, sess.CreatedAt, sess.ExpiresAt.UTC(), sess.LastSeenAt,
		sess.IP, sess.UserAgent)
	if err != nil {
		return fmt.Errorf("create session for member %d: %w", sess.MemberID, err)
	}
	return nil
}

// SessionMember returns the member of a live session opened after
// bornAfter, and the session.
func (s *Store) SessionMember(ctx context.Context, tokenHash string, bornAfter time.Time) (*Member, *Session, error) {
	var sess Session
	err := s.queryRow(ctx, `SELECT token_hash, member_id, created_at, expires_at, last_seen_at, ip,
		user_agent FROM sessions WHERE token_hash = ? AND expires_at > ? AND created_at > ?`,
		tokenHash, s.now(), bornAfter.UTC()).
		Scan(&sess.TokenHash, &sess.MemberID, &sess.CreatedAt, &sess.ExpiresAt, &sess.LastSeenAt,
			&sess.IP, &sess.UserAgent)
	if err != nil {
		return nil, nil, notFound(err, "session", "")
	}
	m, err := s.MemberByID(ctx, sess.MemberID)
	if err != nil {
		return nil, nil, err
	}
	return m, &sess, nil
}

// TouchSession records activity and pushes the expiry forward.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, expires time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
		s.now(), expires.UTC(), tokenHash)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session (logout).
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteMemberSessions ends every session of a member (password change, reset).
func (s *Store) DeleteMemberSessions(ctx context.Context, memberID int64) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE member_id = ?`, memberID); err != nil {
		return fmt.Errorf("delete sessions of member %d: %w", memberID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry or opened
// before bornBefore (their absolute limit).
func (s *Store) DeleteExpiredSessions(ctx context.Context, bornBefore time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR created_at < ?`, s.now(), bornBefore.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
