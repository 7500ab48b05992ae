package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"coin/store"
)

// stageLifetime is how long an uploaded file waits for its confirmation.
const stageLifetime = 24 * time.Hour

// ErrExpired is a preview that is no more (or never was the caller's).
var ErrExpired = errors.New("import preview expired")

// Preview checks a file uploaded in the back office by staff member by and
// keeps it, for Confirm, under the token returned. A file that does not
// read is a *FileError and is not kept.
func (s *Service) Preview(ctx context.Context, kind Kind, profile, filename string, data []byte, by int64) (*Result, string, error) {
	res, err := s.Import(ctx, kind, profile, data, Options{DryRun: true})
	if err != nil {
		return nil, "", err
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", err
	}
	token := hex.EncodeToString(b[:])
	u := &store.ImportUpload{Kind: string(kind), Profile: profile, Filename: filename, Data: data, CreatedBy: by}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		return tx.SaveImportUpload(ctx, token, u, time.Now().Add(-stageLifetime))
	})
	if err != nil {
		return nil, "", fmt.Errorf("keep import preview: %w", err)
	}
	return res, token, nil
}

// Confirm imports the file of a preview of staff member by (actor is their
// login), as it was uploaded, and forgets it once written. The database
// may have changed since the preview: every line is checked again.
func (s *Service) Confirm(ctx context.Context, token string, by int64, actor string, skipBad bool) (*Result, error) {
	u, err := s.Store.ImportUploadOf(ctx, token, by, time.Now().Add(-stageLifetime))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrExpired
	}
	if err != nil {
		return nil, err
	}
	kind, _ := ParseKind(u.Kind)
	res, err := s.Import(ctx, kind, u.Profile, u.Data, Options{SkipBad: skipBad, Actor: actor})
	if err != nil {
		return nil, err
	}
	if res.Written {
		if err := s.Store.Tx(ctx, func(tx *store.Store) error { return tx.DeleteImportUpload(ctx, u.ID) }); err != nil {
			return nil, err
		}
	}
	return res, nil
}
