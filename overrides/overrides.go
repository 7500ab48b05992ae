// Package overrides resolves the texts an ISP may rewrite: e-mails, the home
// page blurb, membership information, sign-up terms, the legal notice, the
// invoice footer; and serves the files of its assets/ folder (custom.css,
// a logo).
//
// Each is a text/template (.txt) or html/template (.html) file embedded in the
// binary under defaults/. A file at the same relative path in the overrides
// folder wins. Overrides are re-read when their modification time changes, so
// edits show without a restart. A broken override never takes a page down:
// it is logged and the built-in default is used.
package overrides

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

//go:embed defaults
var defaults embed.FS

// ErrUnknown is returned for a name that is not an overridable template.
var ErrUnknown = errors.New("no such template")

// Info describes one overridable template.
type Info struct {
	Name        string // relative path, e.g. "email/password_reset.fr.txt"
	Description string
	Overridden  bool
	Path        string // override file path ("" without overrides folder)
}

// Registry resolves templates from the overrides folder, then the defaults.
type Registry struct {
	dir string
	log *slog.Logger

	// recheck bounds how often an override file is stat'ed on busy pages.
	recheck time.Duration

	mu     sync.Mutex
	cache  map[string]*compiled
	assets map[string]*assetEntry
}

type compiled struct {
	modTime time.Time // of the override; zero for the default
	size    int64
	text    *texttemplate.Template
	html    *htmltemplate.Template
	checked time.Time
}

// statEvery is how often an override file is stat'ed at most: an edit
// shows within that time, without a restart.
const statEvery = 2 * time.Second

// New returns a registry reading overrides from dir ("" for none).
func New(dir string, log *slog.Logger) *Registry {
	if log == nil {
		log = slog.Default()
	}
	return &Registry{dir: dir, log: log, recheck: statEvery, cache: map[string]*compiled{},
		assets: map[string]*assetEntry{}}
}

// Dir is the overrides folder ("" when not configured).
func (r *Registry) Dir() string { return r.dir }

// Names lists every overridable template, sorted.
func Names() []string {
	var names []string
	fs.WalkDir(defaults, "defaults", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, "defaults/"))
		}
		return nil
	})
	sort.Strings(names)
	return names
}

// Known tells whether name is an overridable template. Only known names are
// ever turned into file paths, which rules out path traversal.
func Known(name string) bool {
	if name == "" || strings.Contains(name, "..") || path.IsAbs(name) || strings.Contains(name, `\`) {
		return false
	}
	st, err := fs.Stat(defaults, "defaults/"+name)
	return err == nil && st.Mode().IsRegular()
}

// Default returns the built-in text of a template.
func Default(name string) ([]byte, error) {
	if !Known(name) {
		return nil, fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	return defaults.ReadFile("defaults/" + name)
}

func (r *Registry) overridePath(name string) string {
	if r.dir == "" {
		return ""
	}
	return filepath.Join(r.dir, filepath.FromSlash(name))
}

// List describes every template and whether the folder overrides it.
func (r *Registry) List() []Info {
	var out []Info
	for _, n := range Names() {
		if info, err := r.Info(n); err == nil {
			out = append(out, info)
		}
	}
	return out
}

// Copy writes the default of name into the overrides folder, creating
// directories, and refuses to replace an existing override.
func (r *Registry) Copy(name string) (string, error) {
	body, err := Default(name)
	if err != nil {
		return "", err
	}
	if r.dir == "" {
		return "", errors.New("no overrides folder: set server.overrides_dir")
	}
	dst := r.overridePath(name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("%s already exists: edit it, or remove it to start again", dst)
		}
		return "", err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return "", err
	}
	return dst, f.Close()
}

// Check parses every override present and returns one error per broken file
// (with file and line, as the template parser reports them).
func (r *Registry) Check() []error {
	var errs []error
	for _, info := range r.List() {
		if err := r.CheckOne(info); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// CheckOne parses the override described by info: nil when there is none
// or it is valid.
func (r *Registry) CheckOne(info Info) error {
	if !info.Overridden {
		return nil
	}
	body, err := os.ReadFile(info.Path)
	if err == nil {
		_, err = parse(info.Name, info.Path, body)
	}
	return err
}

// Info describes one template, or returns ErrUnknown.
func (r *Registry) Info(name string) (Info, error) {
	if !Known(name) {
		return Info{}, fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	info := Info{Name: name, Description: Describe(name), Path: r.overridePath(name)}
	if info.Path != "" {
		if st, err := os.Stat(info.Path); err == nil && st.Mode().IsRegular() {
			info.Overridden = true
		}
	}
	return info, nil
}

func parse(name, file string, body []byte) (*compiled, error) {
	c := &compiled{}
	var err error
	if strings.HasSuffix(name, ".html") {
		c.html, err = htmltemplate.New(file).Option("missingkey=zero").Parse(string(body))
	} else {
		c.text, err = texttemplate.New(file).Option("missingkey=zero").Parse(string(body))
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lookup returns the compiled template for name: the override when present
// and valid, else the default.
func (r *Registry) lookup(name string) (*compiled, error) {
	if !Known(name) {
		return nil, fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.cache[name]
	now := time.Now()
	if c != nil && now.Sub(c.checked) < r.recheck {
		return c, nil
	}
	if p := r.overridePath(name); p != "" {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			if c != nil && c.modTime.Equal(st.ModTime()) && c.size == st.Size() {
				c.checked = now
				return c, nil
			}
			body, err := os.ReadFile(p)
			if err == nil {
				var oc *compiled
				if oc, err = parse(name, p, body); err == nil {
					oc.modTime, oc.size, oc.checked = st.ModTime(), st.Size(), now
					r.cache[name] = oc
					return oc, nil
				}
			}
			r.log.Error("broken template override, using the built-in default", "template", name, "err", err)
			dc, derr := r.builtin(name)
			if derr != nil {
				return nil, derr
			}
			// Remember the broken file's stamp so it is not re-parsed on every use.
			dc.modTime, dc.size, dc.checked = st.ModTime(), st.Size(), now
			r.cache[name] = dc
			return dc, nil
		}
	}
	if c != nil && c.modTime.IsZero() {
		c.checked = now
		return c, nil
	}
	dc, err := r.builtin(name)
	if err != nil {
		return nil, err
	}
	dc.checked = now
	r.cache[name] = dc
	return dc, nil
}

func (r *Registry) builtin(name string) (*compiled, error) {
	body, err := Default(name)
	if err != nil {
		return nil, err
	}
	c, err := parse(name, "defaults/"+name, body)
	if err != nil {
		return nil, fmt.Errorf("built-in template %s: %w", name, err)
	}
	return c, nil
}

// Render executes the template name with data. If an override fails while
// executing, the default is executed instead and the failure logged.
func (r *Registry) Render(name string, data any) (string, error) {
	c, err := r.lookup(name)
	if err != nil {
		return "", err
	}
	out, err := execute(c, data)
	if err == nil {
		return out, nil
	}
	if !c.modTime.IsZero() {
		r.log.Error("template override failed, using the built-in default", "template", name, "err", err)
		dc, derr := r.builtin(name)
		if derr != nil {
			return "", derr
		}
		return execute(dc, data)
	}
	return "", fmt.Errorf("render %s: %w", name, err)
}

func execute(c *compiled, data any) (string, error) {
	var buf bytes.Buffer
	var err error
	if c.html != nil {
		err = c.html.Execute(&buf, data)
	} else {
		err = c.text.Execute(&buf, data)
	}
	return buf.String(), err
}

// RenderLang renders "<base>.<lang>.<ext>", falling back to the other
// language when the ISP removed one.
func (r *Registry) RenderLang(base, lang, ext string, data any) (string, error) {
	name := base + "." + lang + "." + ext
	if !Known(name) {
		for _, other := range []string{"fr", "en"} {
			if Known(base + "." + other + "." + ext) {
				name = base + "." + other + "." + ext
				break
			}
		}
	}
	return r.Render(name, data)
}

// Exists tells whether a template of that base, language and extension exists.
func Exists(base, lang, ext string) bool { return Known(base + "." + lang + "." + ext) }
