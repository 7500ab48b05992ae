// Package assets embeds the stylesheets, scripts and images of the web
// interface and serves them under content-hashed URLs, so that browsers can
// keep them for a year and still get a new version the moment it changes.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed app.css a11y.js logo.svg favicon.svg vendor/htmx.min.js vendor/pico.min.css
var embedded embed.FS

// Asset is one file ready to serve.
type Asset struct {
	Name        string
	Hash        string // first 12 hex digits of SHA-256
	ContentType string
	Body        []byte
}

// Set is the collection of assets served by the application.
type Set struct {
	byName map[string]*Asset
}

// Load reads the embedded assets.
func Load() (*Set, error) {
	s := &Set{byName: map[string]*Asset{}}
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		body, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		s.Put(p, body)
		return nil
	})
	return s, err
}

// Put adds or replaces an asset (used for the overrides folder).
func (s *Set) Put(name string, body []byte) {
	sum := sha256.Sum256(body)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	s.byName[name] = &Asset{Name: name, Hash: hex.EncodeToString(sum[:])[:12], ContentType: ct, Body: body}
}

// Get returns the asset of that name, or nil.
func (s *Set) Get(name string) *Asset { return s.byName[name] }

// Path returns the versioned path of an asset below the assets root,
// e.g. "3f2a9c01d4e5/app.css", or "" when there is no such asset.
func (s *Set) Path(name string) string {
	a := s.byName[name]
	if a == nil {
		return ""
	}
	return a.Hash + "/" + name
}
