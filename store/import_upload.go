package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// ImportUpload is a file uploaded in the back office, kept between its
// preview and its confirmation. Only a hash of its token is stored.
type ImportUpload struct {
	ID        int64
	Kind      string
	Profile   string
	Filename  string
	Data      []byte
	CreatedBy int64
	CreatedAt time.Time
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SaveImportUpload stores u under token, forgetting uploads older than before.
func (s *Store) SaveImportUpload(ctx context.Context, token string, u *ImportUpload, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM import_uploads WHERE created_at < ?`, before.UTC()); err != nil {
		return fmt.Errorf("purge import uploads: %w", err)
	}
	u.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO import_uploads (token_hash, kind, profile, filename, data, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), u.Kind, u.Profile, u.Filename, u.Data, u.CreatedBy, u.CreatedAt)
	if err != nil {
		return fmt.Errorf("save import upload: %w", err)
	}
	u.ID = id
	return nil
}

// ImportUploadOf returns the upload of token made by staff member by since
// after, or ErrNotFound.
func (s *Store) ImportUploadOf(ctx context.Context, token string, by int64, after time.Time) (*ImportUpload, error) {
	var u ImportUpload
	err := s.queryRow(ctx, `SELECT id, kind, profile, filename, data, created_by, created_at FROM import_uploads
		WHERE token_hash = ? AND created_by = ? AND created_at >= ?`, tokenHash(token), by, after.UTC()).
		Scan(&u.ID, &u.Kind, &u.Profile, &u.Filename, &u.Data, &u.CreatedBy, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err, "import upload", "token")
	}
	return &u, nil
}

// DeleteImportUpload forgets an upload once imported.
func (s *Store) DeleteImportUpload(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `DELETE FROM import_uploads WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete import upload %d: %w", id, err)
	}
	return nil
}
