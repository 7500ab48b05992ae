package ispdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"unicode/utf8"

	"coin/store"
)

// MaxLogoSize bounds the logo file: it is shown on every page.
const MaxLogoSize = 512 << 10

// LogoError says why a logo file is refused (Msg is a message id).
type LogoError struct{ Msg string }

func (e *LogoError) Error() string { return "logo: " + e.Msg }

// ParseLogo checks an uploaded logo: a PNG, JPEG, GIF, WebP or SVG image
// of at most MaxLogoSize bytes. The type is read from the content, never
// from the name or the browser's claim.
func ParseLogo(body []byte) (*store.Logo, error) {
	if len(body) == 0 {
		return nil, &LogoError{"ispdb.err.logo_type"}
	}
	if len(body) > MaxLogoSize {
		return nil, &LogoError{"ispdb.err.logo_too_large"}
	}
	ct := http.DetectContentType(body)
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
	default:
		if !isSVG(body) {
			return nil, &LogoError{"ispdb.err.logo_type"}
		}
		ct = "image/svg+xml"
	}
	sum := sha256.Sum256(body)
	return &store.Logo{ContentType: ct, Hash: hex.EncodeToString(sum[:])[:16], Body: body}, nil
}

// isSVG recognises an SVG document: UTF-8 text whose first element is <svg>.
func isSVG(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for {
		b = bytes.TrimSpace(b)
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				return false
			}
			b = b[end+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b, []byte("-->"))
			if end < 0 {
				return false
			}
			b = b[end+3:]
		case bytes.HasPrefix(b, []byte("<!DOCTYPE")), bytes.HasPrefix(b, []byte("<!doctype")):
			end := bytes.IndexByte(b, '>')
			if end < 0 {
				return false
			}
			b = b[end+1:]
		default:
			return bytes.HasPrefix(b, []byte("<svg")) && len(b) > 4 &&
				(b[4] == ' ' || b[4] == '>' || b[4] == '\n' || b[4] == '\t' || b[4] == '\r')
		}
	}
}
