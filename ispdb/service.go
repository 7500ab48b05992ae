package ispdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"coin/audit"
	"coin/date"
	"coin/model"
	"coin/store"
)

// ErrNotReady is returned for /isp.json while the record lacks the name or
// e-mail address the format requires.
var ErrNotReady = errors.New("the ISP record is not filled in yet (name and e-mail are required)")

// cacheFor bounds how long a record read from the database is reused.
// Saves through the Service refresh it at once; the bound only matters
// when another process (a second `coin serve`) saved it.
const cacheFor = 30 * time.Second

// Service reads and saves the record, keeping a copy for the identity
// shown on every page, and publishes the document of /isp.json.
type Service struct {
	store  *store.Store
	schema *Schema
	loc    *time.Location
	log    *slog.Logger
	// logoURL returns the public absolute URL of the uploaded logo of that
	// hash, or "" when coin has no public URL to give.
	logoURL func(hash string) string

	mu       sync.Mutex
	rec      *store.ISP // nil when there is none
	loadedAt time.Time
	etag     string
	modified time.Time
}

// NewService builds the service. logoURL may be nil.
func NewService(st *store.Store, schema *Schema, loc *time.Location, logoURL func(hash string) string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: st, schema: schema, loc: loc, log: log, logoURL: logoURL}
}

// Schema is the compiled format 0.1 schema, for the admin form.
func (s *Service) Schema() *Schema { return s.schema }

// cached returns the record (nil when there is none), from the copy when
// it is fresh.
func (s *Service) cached(ctx context.Context) (*store.ISP, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loadedAt.IsZero() && time.Since(s.loadedAt) < cacheFor {
		return s.rec, nil
	}
	r, err := s.store.ISP(ctx)
	if errors.Is(err, store.ErrNotFound) {
		r, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.rec, s.loadedAt = r, time.Now()
	return r, nil
}

// forget drops the copy, so that the next use reads the database.
func (s *Service) forget() {
	s.mu.Lock()
	s.loadedAt = time.Time{}
	s.mu.Unlock()
}

// Identity is the ISP's identity for pages, e-mails and invoices. If the
// database cannot be read, it logs and returns the last identity known.
func (s *Service) Identity(ctx context.Context) Identity {
	r, err := s.cached(ctx)
	if err != nil {
		s.log.Error("read the ISP record", "err", err)
		s.mu.Lock()
		r = s.rec
		s.mu.Unlock()
	}
	return IdentityOf(r)
}

// Record reads the record from the database for editing (nil, nil when
// none was saved yet).
func (s *Service) Record(ctx context.Context) (*store.ISP, error) {
	r, err := s.store.ISP(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// Save stores a record validated by Form.Validate, with the audit entry
// of what changed in the same transaction.
func (s *Service) Save(ctx context.Context, r *store.ISP) error {
	defer s.forget()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		old, err := tx.ISP(ctx)
		if errors.Is(err, store.ErrNotFound) {
			old = &store.ISP{}
		} else if err != nil {
			return err
		}
		if err := tx.SaveISP(ctx, r); err != nil {
			return err
		}
		changes, err := audit.Diff(old, r, "UpdatedAt", "LogoContentType", "LogoHash")
		if err != nil || len(changes) == 0 {
			return err
		}
		return tx.Audit(ctx, &store.AuditEntry{Action: "isp.audit_saved", RecordType: "isp", Changes: changes})
	})
}

// SetLogo stores a logo file checked by ParseLogo (nil removes it).
func (s *Service) SetLogo(ctx context.Context, l *store.Logo) error {
	defer s.forget()
	return s.store.SetISPLogo(ctx, l)
}

// Published is /isp.json as served now.
type Published struct {
	Body         []byte
	ETag         string // strong, quoted: a hash of Body
	LastModified time.Time
}

// Publish builds the document with live counts. Last-Modified is the time
// this process first served the current body: it only moves forward, by at
// least a second per change, so that a client's If-Modified-Since never
// matches a body it has not seen.
func (s *Service) Publish(ctx context.Context) (*Published, error) {
	r, err := s.cached(ctx)
	if err != nil {
		return nil, err
	}
	if r == nil || r.Name == "" || r.Email == "" {
		return nil, ErrNotReady
	}
	var n Counts
	if n.Members, err = s.store.CountMembers(ctx, model.StatusMember); err != nil {
		return nil, err
	}
	if n.Subscribers, err = s.store.CountActiveSubscriptions(ctx, date.Today(s.loc)); err != nil {
		return nil, err
	}
	logo := ""
	if r.LogoHash != "" && s.logoURL != nil {
		logo = s.logoURL(r.LogoHash)
	}
	body, err := Build(r, n, logo).JSON()
	if err != nil {
		return nil, fmt.Errorf("encode isp.json: %w", err)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	s.mu.Lock()
	changed := etag != s.etag
	if changed {
		now := time.Now().UTC().Truncate(time.Second)
		if !now.After(s.modified) {
			now = s.modified.Add(time.Second)
		}
		s.etag, s.modified = etag, now
	}
	p := &Published{Body: body, ETag: etag, LastModified: s.modified}
	s.mu.Unlock()
	if changed {
		if err := s.schema.Validate(body); err != nil {
			// The form refuses what would break the schema, so this is a bug
			// (or a record written by other means): say it loudly.
			s.log.Error("ispdb.json does not validate against format 0.1", "err", err)
		}
	}
	return p, nil
}
