package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPagesFitAPhone: on a 390 px wide phone no page scrolls sideways;
// wide tables scroll inside their own box.
func TestPagesFitAPhone(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	run(t, ctx, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	fits := func(who, p string) {
		t.Helper()
		name := "phone-" + who + strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", "-")
		run(t, ctx, "visit "+p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")), shot(name))
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const w = 390;
			if (document.documentElement.scrollWidth <= w) return "";
			// Name the widest element that does not fit, for the failure message.
			let worst = null;
			for (const el of document.querySelectorAll("body *")) {
				const r = el.getBoundingClientRect();
				if (r.right > w + 1 && (!worst || r.right > worst.r)) worst = {r: r.right, el};
			}
			return document.documentElement.scrollWidth + "px; widest: " +
				(worst ? worst.el.tagName.toLowerCase() + "." + worst.el.className + " " + Math.round(worst.r) + "px" : "?");
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if wide != "" {
			t.Errorf("%s as %s is wider than the phone (%d px): %s", p, who, 390, wide)
		}
	}
	fits("visitor", "/login")
	login(t, ctx, s, "admin", "demo")
	for _, p := range []string{"/admin/", "/admin/members", "/admin/members/4", "/admin/invoices", "/admin/invoices/1",
		"/admin/subscriptions/1", "/admin/sepa", "/admin/pools/1"} {
		fits("admin", p)
	}
	logout(t, ctx)
	login(t, ctx, s, "member", "demo")
	for _, p := range []string{"/", "/subscriptions", "/invoices", "/membership"} {
		fits("member", p)
	}
}
