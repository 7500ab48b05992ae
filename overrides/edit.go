package overrides

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pmezard/go-difflib/difflib"
)

// MaxSize bounds a template saved from the back office: the longest
// built-in one is a few kilobytes, and the form must fit the 64 KiB body limit.
const MaxSize = 48 << 10

// ErrNoFolder is returned when saving without an overrides folder.
var ErrNoFolder = errors.New("no overrides folder: set server.overrides_dir")

// ErrInvalid wraps what is wrong with a template's text.
var ErrInvalid = errors.New("invalid template")

// Normalize turns the text a browser sends (CRLF line ends) into the file's.
func Normalize(body string) string {
	return strings.ReplaceAll(body, "\r\n", "\n")
}

// Preview checks body as the template name and renders it with sample, the
// data its callers give: a template that does not parse, does not run on
// that data, or is an e-mail without its "Subject:" line is refused, the
// error saying where (file and line, as the parser reports them).
func Preview(name, body string, sample any) (string, error) {
	if !Known(name) {
		return "", fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	if len(body) > MaxSize {
		return "", fmt.Errorf("%w: longer than %d KiB", ErrInvalid, MaxSize>>10)
	}
	if !utf8.ValidString(body) {
		return "", fmt.Errorf("%w: not UTF-8 text", ErrInvalid)
	}
	c, err := parse(name, name, []byte(body))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	out, err := execute(c, sample)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if strings.HasPrefix(name, "email/") && strings.HasSuffix(name, ".txt") {
		first, _, _ := strings.Cut(out, "\n")
		if s, ok := strings.CutPrefix(strings.TrimSpace(first), "Subject:"); !ok || strings.TrimSpace(s) == "" {
			return "", fmt.Errorf(`%w: an e-mail must start with a "Subject: …" line`, ErrInvalid)
		}
	}
	return out, nil
}

// Save checks body like Preview and writes it as the override of name,
// atomically (a reader sees the old file or the new one, never half), and
// drops the cached template so that the next page uses it. The overrides
// folder stays the source of truth: what is saved here is a file there.
func (r *Registry) Save(name, body string, sample any) (string, error) {
	if r.dir == "" {
		return "", ErrNoFolder
	}
	if _, err := Preview(name, body, sample); err != nil {
		return "", err
	}
	dst := r.overridePath(name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".save-*")
	if err != nil {
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(body); err != nil {
		tmp.Close()
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("save %s: %w", name, err)
	}
	r.forget(name)
	return dst, nil
}

// Revert removes the override of name, so the built-in text is used again.
// The file is kept beside, as NAME.bak, in case it was a mistake.
func (r *Registry) Revert(name string) error {
	info, err := r.Info(name)
	if err != nil {
		return err
	}
	if !info.Overridden {
		return nil
	}
	if err := os.Rename(info.Path, info.Path+".bak"); err != nil {
		return fmt.Errorf("revert %s: %w", name, err)
	}
	r.forget(name)
	return nil
}

func (r *Registry) forget(name string) {
	r.mu.Lock()
	delete(r.cache, name)
	r.mu.Unlock()
}

// Diff is the unified diff from the built-in text of name to body.
func Diff(name, body string) (string, error) {
	def, err := Default(name)
	if err != nil {
		return "", err
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(bytes.ReplaceAll(def, []byte("\r\n"), []byte("\n")))), B: difflib.SplitLines(body),
		FromFile: "built-in/" + name, ToFile: "overrides/" + name, Context: 3,
	})
}
