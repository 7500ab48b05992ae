package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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
		checkA11y(t, ctx, who+" 390px")
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

// TestPhoneShowsKeyColumnsAndFoldsTheMenu: at 390 px "What I owe", "My
// invoices" and "My hardware" show each row as a card whose key cells
// (left to pay, status, returned on) are on screen without scrolling
// sideways, and the back-office menu is folded behind a toggle that the
// keyboard opens; at 1366 px the menu is open.
func TestPhoneShowsKeyColumnsAndFoldsTheMenu(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	k := kbd{t, ctx}
	run(t, ctx, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	login(t, ctx, s, "member", "demo")
	onScreen := func(p string, labels ...string) {
		t.Helper()
		run(t, ctx, "visit "+p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")),
			shot("phone-cards"+strings.ReplaceAll(p, "/", "-")))
		checkA11y(t, ctx, "member 390px")
		for _, l := range labels {
			res, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
				const cells = [...document.querySelectorAll("main td[data-label=" + JSON.stringify(`+jsString(l)+`) + "]")];
				const off = cells.filter(td => { const r = td.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > 390; });
				return [cells.length, off.length];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if res[0] == 0 || res[1] != 0 {
				t.Errorf("%s at 390 px: %d cells %q, %d of them off-screen", p, res[0], l, res[1])
			}
		}
	}
	onScreen("/invoices", "Left to pay", "Status", "Due date")
	onScreen("/hardware", "Returned on", "Designation")
	logout(t, ctx)

	login(t, ctx, s, "admin", "demo")
	run(t, ctx, "dashboard", chromedp.Navigate(s.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS("main h1")), shot("phone-menu-folded"))
	menuShown := func() bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.querySelector('#sections ul.staff a[href$="/admin/members"]').checkVisibility()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if menuShown() {
		t.Fatal("at 390 px the back-office menu is not folded")
	}
	k.tabTo(`details.staff-menu > summary`, 30, false)
	k.press(kb.Enter)
	if !menuShown() {
		t.Fatal("Enter on the back-office toggle did not open the menu")
	}
	k.tabTo(`#sections ul.staff a[href$="/admin/members"]`, 3, false)
	run(t, ctx, "menu open", shot("phone-menu-open"))
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "following the menu")
	run(t, ctx, "laptop", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(s.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if !menuShown() {
		t.Fatal("at 1366 px the back-office menu is folded")
	}
}
