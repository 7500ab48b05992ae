package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTreasurerSeesTheYearInCharts opens the charts from the menu, in both
// languages at both widths: five drawn charts with their figures, readable
// by axe's rules; screenshots for people to look at (COIN_SCREENSHOTS).
func TestTreasurerSeesTheYearInCharts(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtxTimeout(t, 3*time.Minute)
	login(t, ctx, s, "treasurer", "demo")
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
			run(t, ctx, "open the charts", chromedp.Navigate(s.URL+"/admin/charts"),
				chromedp.WaitVisible(chromedp.CSS(`#chart-invoiced-h`)))
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main figure.chart svg[role=img] rect.bar').length`))
			if err != nil || n == 0 {
				t.Fatalf("%s %s: %d bars drawn (%v)", lang, w.name, n, err)
			}
			drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](
				`[...document.querySelectorAll('main rect.bar')].filter(r => r.getBBox().height > 0).length`))
			if err != nil || drawn == 0 {
				t.Fatalf("%s %s: no bar has a height on the demo (%v)", lang, w.name, err)
			}
			checkA11y(t, ctx, "charts "+lang+" "+w.name)
			run(t, ctx, "screenshot", shot("charts-"+lang+"-"+w.name))
		}
	}
	run(t, ctx, "back to a laptop", chromedp.EmulateViewport(1366, 900))
}
