package overrides

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// AssetsDir is the sub-folder of the overrides folder whose files are
// served to browsers: custom.css, a logo, the images and fonts they use.
const AssetsDir = "assets"

// Names the layout looks for in the assets folder.
const (
	CustomCSS = "custom.css"
)

// LogoNames are the logo files that replace the built-in logo, in order.
var LogoNames = []string{"logo.svg", "logo.png", "logo.webp", "logo.jpg"}

// assetTypes are the only files served from the assets folder, so that a
// stray backup or notes file there is never published.
var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".ico": "image/x-icon", ".woff": "font/woff", ".woff2": "font/woff2",
}

// maxAssetSize bounds what is read into memory per file.
const maxAssetSize = 4 << 20

// Asset is a file of the assets folder, ready to serve.
type Asset struct {
	Name        string // relative to the assets folder, with slashes
	Hash        string // first 12 hex digits of SHA-256, for versioned URLs
	ContentType string
	Body        []byte
}

type assetEntry struct {
	asset   *Asset // nil when the file does not exist
	modTime time.Time
	size    int64
	checked time.Time
}

// ValidAssetName tells whether name may be served from the assets folder:
// a clean relative path without hidden parts, of a known file type.
func ValidAssetName(name string) bool {
	if name == "" || strings.Contains(name, `\`) || path.Clean(name) != name || path.IsAbs(name) ||
		strings.HasPrefix(name, "../") || name == ".." {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || strings.HasPrefix(part, ".") {
			return false
		}
	}
	_, ok := assetTypes[strings.ToLower(path.Ext(name))]
	return ok
}

// Asset returns a file of the assets folder, or nil when there is none (or
// no overrides folder). Files are re-read when they change on disk.
func (r *Registry) Asset(name string) (*Asset, error) {
	if r.dir == "" || !ValidAssetName(name) {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	e := r.assets[name]
	if e != nil && now.Sub(e.checked) < r.recheck {
		return e.asset, nil
	}
	p := filepath.Join(r.dir, AssetsDir, filepath.FromSlash(name))
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		// Only the names every page looks for remember their absence:
		// caching any name a visitor asks for would grow without bound.
		if name == CustomCSS || slices.Contains(LogoNames, name) {
			r.assets[name] = &assetEntry{checked: now}
		} else {
			delete(r.assets, name)
		}
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("override asset %s: %w", name, err)
		}
		return nil, nil
	}
	if e != nil && e.asset != nil && e.modTime.Equal(st.ModTime()) && e.size == st.Size() {
		e.checked = now
		return e.asset, nil
	}
	if st.Size() > maxAssetSize {
		return nil, fmt.Errorf("override asset %s: larger than %d bytes", name, maxAssetSize)
	}
	body, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("override asset %s: %w", name, err)
	}
	sum := sha256.Sum256(body)
	a := &Asset{Name: name, Hash: hex.EncodeToString(sum[:])[:12],
		ContentType: assetTypes[strings.ToLower(path.Ext(name))], Body: body}
	r.assets[name] = &assetEntry{asset: a, modTime: st.ModTime(), size: st.Size(), checked: now}
	return a, nil
}

// AssetPath returns "<hash>/<name>" for a versioned URL of an asset, or ""
// when the file does not exist. Errors are logged: a page never fails for
// a missing stylesheet.
func (r *Registry) AssetPath(name string) string {
	a, err := r.Asset(name)
	if err != nil {
		r.log.Error("override asset", "err", err)
	}
	if a == nil {
		return ""
	}
	return a.Hash + "/" + a.Name
}

// LogoPath returns the versioned path of the overriding logo, or "".
func (r *Registry) LogoPath() string {
	for _, n := range LogoNames {
		if p := r.AssetPath(n); p != "" {
			return p
		}
	}
	return ""
}

// AssetNames lists the servable files of the assets folder, sorted.
func (r *Registry) AssetNames() []string {
	if r.dir == "" {
		return nil
	}
	root := filepath.Join(r.dir, AssetsDir)
	var names []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err == nil && ValidAssetName(filepath.ToSlash(rel)) {
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(names)
	return names
}
