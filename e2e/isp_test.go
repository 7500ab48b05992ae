package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"coin/ispdb"
)

// TestDemoISPRecordAndOverrides is the ISP database walk-through: a fresh
// demo serves an /isp.json that passes the schema and the crawler's HTTP
// rules; an admin sees and edits the record in both languages; an admin who
// copies a template into the overrides folder and edits it sees the change
// in the portal, without a restart.
func TestDemoISPRecordAndOverrides(t *testing.T) {
	over := t.TempDir()
	s := startServer(t, "", []string{"--demo"}, "COIN_SERVER_OVERRIDES_DIR="+over)

	// What db.ffdn.org's crawler does.
	res, err := http.Get(s.URL + "/isp.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		!strings.HasPrefix(res.Header.Get("Cache-Control"), "public, max-age=") || res.Header.Get("ETag") == "" ||
		res.Header.Get("Last-Modified") == "" || res.Header.Get("Access-Control-Allow-Origin") != "*" || len(body) > 1<<20 {
		t.Fatalf("isp.json: %d %v (%d bytes)", res.StatusCode, res.Header, len(body))
	}
	schema, err := ispdb.NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(body); err != nil {
		t.Fatalf("the demo's isp.json fails the schema: %v\n%s", err, body)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/isp.json", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %d", res2.StatusCode)
	}

	ctx := browserCtx(t)
	login(t, ctx, s, "admin", "demo")
	run(t, ctx, "ISP record page",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/isp"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#isp-form`)),
		shot("isp-form-en"),
	)
	waitText(t, ctx, "#main", "ISP record")
	waitText(t, ctx, "header.site .brand", "Traboule")
	// With htmx, "Add an area" shows one more row in place.
	run(t, ctx, "add an area",
		chromedp.Click(chromedp.CSS(`button[name=add_area]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-area_name_4`)),
	)
	run(t, ctx, "edit the phone and save",
		chromedp.SetValue(chromedp.CSS(`#f-phone`), "+33 4 78 99 99 99"),
		chromedp.SetValue(chromedp.CSS(`#f-iban`), "FR76 0000"),
		chromedp.Click(chromedp.CSS(`#isp-form .actions button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#e-iban`)),
		shot("isp-form-error-en"),
		chromedp.SetValue(chromedp.CSS(`#f-iban`), "FR76 4255 9100 0008 0123 4567 812"),
		chromedp.Click(chromedp.CSS(`#isp-form .actions button[type=submit]`)),
	)
	waitText(t, ctx, "footer.site", "+33 4 78 99 99 99")
	run(t, ctx, "to French",
		chromedp.SetValue(chromedp.CSS(`header.site select[name=lang]`), "fr"),
		chromedp.Click(chromedp.CSS(`header.site form[action$="/language"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#isp-form`)),
	)
	waitText(t, ctx, "#main", "Fiche du FAI")
	run(t, ctx, "ISP record page in French", shot("isp-form-fr"))
	run(t, ctx, "templates page",
		chromedp.Navigate(s.URL+"/admin/templates"),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
		shot("templates-fr"),
	)

	// The admin copies the home text out, edits it, and the portal shows it.
	out := s.coin(t, "", "templates", "copy", "portal/home.fr.html")
	p := filepath.Join(over, "portal", "home.fr.html")
	if !strings.Contains(out, p) {
		t.Fatalf("templates copy: %s", out)
	}
	if err := os.WriteFile(p, []byte(`<p class="blurb">Bienvenue chez {{.Site.Name}}, le FAI des pentes de la Croix-Rousse !</p>`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(over, "assets"), 0o755)
	os.WriteFile(filepath.Join(over, "assets", "custom.css"), []byte("footer.site { border-top: 4px solid #7a2e1f; }\n"), 0o644)
	logout(t, ctx)
	login(t, ctx, s, "member", "demo")
	run(t, ctx, "home", chromedp.Navigate(s.URL+"/"))
	waitText(t, ctx, "#main", "le FAI des pentes de la Croix-Rousse")
	run(t, ctx, "portal home in French", shot("portal-home-fr"))
	// Override files are looked at again every two seconds at most: the
	// page links custom.css once that has passed.
	var html string
	for deadline := time.Now().Add(6 * time.Second); ; {
		html, err = chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("head")))
		if err == nil && strings.Contains(html, "/custom/") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("custom.css not linked: %v\n%s", err, html)
		}
		time.Sleep(500 * time.Millisecond)
		run(t, ctx, "reload home", chromedp.Navigate(s.URL+"/"))
	}
	run(t, ctx, "legal notice",
		chromedp.Click(chromedp.CSS(`footer.site a[href$="/legal"]`)),
	)
	waitText(t, ctx, "#main", "Données personnelles")
	run(t, ctx, "legal notice in French", shot("legal-fr"))
	run(t, ctx, "to English",
		// A whole page load: the header's language form keeps the path of
		// the page it was loaded with, not of htmx navigations since.
		chromedp.Navigate(s.URL+"/legal"),
		chromedp.WaitVisible(chromedp.CSS(`header.site select[name=lang]`)),
		chromedp.SetValue(chromedp.CSS(`header.site select[name=lang]`), "en"),
		chromedp.Click(chromedp.CSS(`header.site form[action$="/language"] button`)),
	)
	waitText(t, ctx, "#main", "Personal data")
	run(t, ctx, "portal home in English", chromedp.Navigate(s.URL+"/"))
	waitText(t, ctx, "#main", "Welcome to your members' area at Traboule")
	run(t, ctx, "portal home screenshot", shot("portal-home-en"))
}
