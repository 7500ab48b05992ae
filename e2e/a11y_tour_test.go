package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAccessibilityTour runs axe-core (WCAG 2.1 A/AA) on every page of the
// portal and the back office, in English and French, at a laptop's and a
// phone's width, as each role of the demo. One server and one browser serve
// the whole tour, to keep it to a few minutes.
func TestAccessibilityTour(t *testing.T) {
	requireAxe(t)
	s := startServer(t, "", []string{"--demo"}, "COIN_MEMBERS_REGISTRATION_OPEN=true")
	// A recorded run, for the job run page.
	s.coin(t, "", "jobs", "run", "purge-traces")
	ctx := browserCtxTimeout(t, 12*time.Minute)

	visitor := []string{"/login", "/password-reset", "/signup", "/legal"}
	tour(t, ctx, s, "visitor", visitor)
	t.Logf("visitor: %d pages, each in 2 languages at 2 widths: %s", len(visitor), strings.Join(visitor, " "))

	for _, who := range []string{"admin", "treasurer", "support", "member"} {
		login(t, ctx, s, who, "demo")
		pages := navLinks(t, ctx, s)
		if who == "admin" {
			pages = append(pages, adminExtras(t, ctx, s)...)
		}
		pages = append(pages, portalExtras(t, ctx, s)...)
		tour(t, ctx, s, who, pages)
		t.Logf("%s: %d pages, each in 2 languages at 2 widths: %s", who, len(pages), strings.Join(pages, " "))
		logout(t, ctx)
	}
}

// tour visits pages at both widths in both languages and checks each.
func tour(t *testing.T, ctx context.Context, s *server, who string, pages []string) {
	t.Helper()
	for _, lang := range []string{"en", "fr"} {
		setLanguage(t, ctx, s, lang)
		for _, w := range []struct {
			name string
			act  chromedp.Action[chromedp.Void]
		}{
			{"1366", chromedp.EmulateViewport(1366, 900)},
			{"390", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)},
		} {
			run(t, ctx, "viewport "+w.name, w.act)
			for _, p := range pages {
				label := who + " " + lang + " " + w.name + "px"
				res, err := chromedp.RunResponse(ctx, chromedp.Navigate(s.URL+p))
				if err != nil {
					t.Fatalf("visit %s (%s): %v", p, label, err)
				}
				if res.Status != http.StatusOK {
					t.Errorf("%s (%s) answered %d", p, label, res.Status)
					continue
				}
				checkA11y(t, ctx, label)
				if shotPages[p] {
					run(t, ctx, "screenshot", shotScreen("a11y-"+who+"-"+lang+"-"+w.name+strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", "-")))
				}
			}
		}
	}
	run(t, ctx, "back to a laptop", chromedp.EmulateViewport(1366, 900))
}

// shotPages are photographed (COIN_SCREENSHOTS=DIR) at each width and language.
var shotPages = map[string]bool{"/": true, "/invoices": true, "/hardware": true, "/membership": true,
	"/admin/": true, "/admin/members": true, "/admin/invoices": true, "/login": true}

// shotScreen saves what the screen shows (the first screen of the page,
// as a visitor sees it on arrival) when COIN_SCREENSHOTS is set.
func shotScreen(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		dir := os.Getenv("COIN_SCREENSHOTS")
		if dir == "" {
			return chromedp.Void{}, nil
		}
		png, err := chromedp.CaptureScreenshot()(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		os.MkdirAll(dir, 0o755)
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// setLanguage picks the language in the header, as a visitor does.
func setLanguage(t *testing.T, ctx context.Context, s *server, lang string) {
	t.Helper()
	run(t, ctx, "language "+lang,
		chromedp.Navigate(s.URL+"/legal"),
		chromedp.SetValue(chromedp.CSS(`header.site select[name=lang]`), lang),
		chromedp.Submit(chromedp.CSS(`header.site select[name=lang]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=`+lang+`]`)),
	)
}

// navLinks are the pages of the section menu the signed-in user sees.
func navLinks(t *testing.T, ctx context.Context, s *server) []string {
	t.Helper()
	run(t, ctx, "home", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#sections`)))
	hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#sections a")].map(a => a.pathname + a.search)`))
	if err != nil || len(hrefs) == 0 {
		t.Fatalf("section links: %v %v", hrefs, err)
	}
	return hrefs
}

// firstHref is the path of the first link matching sel on page p, or "".
func firstHref(t *testing.T, ctx context.Context, s *server, p, sel string) string {
	t.Helper()
	run(t, ctx, "open "+p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	h, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(() => { const a = document.querySelector(`+jsString(sel)+`); return a ? a.pathname + a.search : ""; })()`))
	if err != nil {
		t.Fatalf("link %s on %s: %v", sel, p, err)
	}
	return h
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// adminExtras are the pages behind the menu: forms, and one of each kind
// of detail page, found from the lists.
func adminExtras(t *testing.T, ctx context.Context, s *server) []string {
	t.Helper()
	pages := []string{"/admin/members/new", "/admin/offers/new", "/admin/subscriptions/new", "/admin/invoices/new",
		"/admin/payments/new", "/admin/charge", "/admin/members-email", "/admin/pools/new", "/admin/hardware/new",
		"/admin/hardware/types", "/admin/hardware/storage", "/admin/lists/new", "/admin/templates/", "/profile/edit", "/password", "/legal",
		"/admin/accounting/entries", "/admin/accounting/entries/new"}
	found := map[string]string{
		"/admin/members":       `main table a[href*="/admin/members/"]`,
		"/admin/offers":        `main a[href$="/edit"]`,
		"/admin/subscriptions": `main table a[href*="/admin/subscriptions/"]`,
		"/admin/invoices":      `main table a[href*="/admin/invoices/"]`,
		"/admin/payments":      `main table a[href*="/admin/payments/"]`,
		"/admin/pools":         `main table a[href*="/admin/pools/"]`,
		"/admin/hardware":      `main table a[href*="/admin/hardware/"]`,
		"/admin/lists":         `main a[href*="/admin/lists/"]:not([href$="/new"])`,
		"/admin/outbox":        `main table a[href*="/admin/outbox/"]`,
		"/admin/jobs/":         `main a[href*="/admin/jobs/runs/"]`,
		"/admin/templates/":    `main table a[href*="/admin/templates/"]`,
		"/admin/bank-imports":  `main a[href*="/admin/bank-imports/"]:not([href$="/new"]):not([href$=".csv"])`,
	}
	for list, sel := range found {
		if h := firstHref(t, ctx, s, list, sel); h != "" {
			pages = append(pages, h)
		}
	}
	if m := firstHref(t, ctx, s, "/admin/members", `main table a[href*="/admin/members/"]`); m != "" {
		pages = append(pages, m+"/edit", m+"/mandates")
	}
	if p := firstHref(t, ctx, s, "/admin/subscriptions", `main table a[href*="/admin/subscriptions/"]`); p != "" {
		pages = append(pages, p+"/edit")
	}
	if p := firstHref(t, ctx, s, "/admin/pools", `main table a[href*="/admin/pools/"]`); p != "" {
		if a := firstHref(t, ctx, s, p, `main a[href*="/allocations/"]`); a != "" {
			pages = append(pages, a)
		}
	}
	return pages
}

// portalExtras are a member's pages behind the menu: an invoice, a
// subscription's settings.
func portalExtras(t *testing.T, ctx context.Context, s *server) []string {
	t.Helper()
	var pages []string
	if h := firstHref(t, ctx, s, "/invoices", `main table a[href*="/invoices/"]:not([href$="/pdf"])`); h != "" {
		pages = append(pages, h)
	}
	for _, sel := range []string{`main a[href$="/config"]`, `main a[href$="/network"]`} {
		if h := firstHref(t, ctx, s, "/subscriptions", sel); h != "" {
			pages = append(pages, h)
		}
	}
	return pages
}
