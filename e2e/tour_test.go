package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTour screenshots the main pages of the demo for each role, for people
// to look at (COIN_SCREENSHOTS=DIR), and fails on any page that does not
// answer with a heading.
func TestTour(t *testing.T) {
	if os.Getenv("COIN_SCREENSHOTS") == "" {
		t.Skip("set COIN_SCREENSHOTS=DIR to take the tour")
	}
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	pages := map[string][]string{
		"admin": {"/admin/", "/admin/members", "/admin/members/4", "/admin/offers", "/admin/offers/1/edit", "/admin/subscriptions",
			"/admin/subscriptions/1", "/admin/invoices", "/admin/payments", "/admin/fees", "/admin/jobs/",
			"/admin/outbox", "/admin/isp/", "/admin/templates/", "/admin/hardware", "/admin/lists", "/admin/charge",
			"/admin/pools", "/admin/pools/1", "/admin/bank-imports", "/admin/sepa", "/admin/accounting", "/admin/members/4/mandates"},
		"member": {"/", "/profile", "/subscriptions", "/invoices", "/membership", "/hardware", "/lists"},
	}
	for _, who := range []string{"admin", "member"} {
		login(t, ctx, s, who, "demo")
		for _, p := range pages[who] {
			name := who + strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", "-")
			run(t, ctx, "visit "+p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")), shot(name))
			checkA11y(t, ctx, who)
		}
		logout(t, ctx)
	}
}
