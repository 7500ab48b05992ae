package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"coin/store"
)

var hashRE = regexp.MustCompile(`/[0-9a-f]{12}(/|$)`)

// The built-in assets, the overrides folder's and the uploaded logo are
// all served the same way under their content hash.
func TestHashedFilesCacheAndRevalidate(t *testing.T) {
	_, tweak := withOverrides(t, map[string]string{"assets/custom.css": "header.site { background: #fde; }"})
	eachApp(t, tweak, func(t *testing.T, a *testApp) {
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
		if err := a.store.SetISPLogo(t.Context(), &store.Logo{ContentType: "image/svg+xml", Hash: "0123456789ab", Body: svg}); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		home := b.get("/login")
		var paths []string
		for _, re := range []string{`/assets/[0-9a-f]{12}/app\.css`, `/custom/[0-9a-f]{12}/custom\.css`} {
			p := regexp.MustCompile(re).FindString(home.Body)
			if p == "" {
				t.Fatalf("no %s in the page", re)
			}
			paths = append(paths, p)
		}
		paths = append(paths, "/isp/logo/0123456789ab")
		for _, p := range paths {
			res := b.get(p)
			etag := res.Header.Get("ETag")
			if res.Status != 200 || res.Body == "" || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
				res.Header.Get("Content-Type") == "" || !regexp.MustCompile(`^"[0-9a-f]+"$`).MatchString(etag) {
				t.Fatalf("%s: %d %v", p, res.Status, res.Header)
			}
			old := hashRE.ReplaceAllString(p, "/000000000000$1")
			if res := b.get(old); res.Status != 200 || res.Header.Get("Cache-Control") != "public, max-age=60" ||
				res.Header.Get("ETag") != etag {
				t.Fatalf("%s: %d %v", old, res.Status, res.Header)
			}
			if res := b.get(p, "If-None-Match", etag); res.Status != http.StatusNotModified || res.Body != "" ||
				res.Header.Get("ETag") != etag {
				t.Fatalf("%s revalidated: %d %v", p, res.Status, res.Header)
			}
		}
		// The logo's sandbox policy goes with its 304 too.
		if res := b.get(paths[2], "If-None-Match", `"0123456789ab"`); !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("logo 304: %v", res.Header)
		}
	})
}
