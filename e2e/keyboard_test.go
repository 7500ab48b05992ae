package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// kbd drives the page with key events only, as a keyboard user does.
type kbd struct {
	t   *testing.T
	ctx context.Context
}

// press sends keys (text, or kb.Tab, kb.Enter…).
func (k kbd) press(keys string, opts ...chromedp.KeyOption) {
	k.t.Helper()
	if err := chromedp.Do(k.ctx, chromedp.KeyEvent(keys, opts...)); err != nil {
		k.t.Fatalf("press %q: %v", keys, err)
	}
}

// focused describes the element that has the focus.
func (k kbd) focused() string {
	k.t.Helper()
	s, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`(() => {
		const e = document.activeElement;
		if (!e) return "";
		return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "") +
			(e.getAttribute("href") ? "[" + e.getAttribute("href") + "]" : "") + " " + (e.textContent || "").trim().slice(0, 40);
	})()`))
	if err != nil {
		k.t.Fatalf("focused: %v", err)
	}
	return s
}

func (k kbd) focusIs(css string) bool {
	k.t.Helper()
	ok, err := chromedp.Run(k.ctx, chromedp.Evaluate[bool](
		`!!document.activeElement && document.activeElement.matches(`+jsString(css)+`)`))
	if err != nil {
		k.t.Fatalf("focus %s: %v", css, err)
	}
	return ok
}

// tabTo presses Tab (or Shift+Tab when back) until css has the focus, and
// fails after max presses; it returns how many it took.
func (k kbd) tabTo(css string, max int, back bool) int {
	k.t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	for n := 1; n <= max; n++ {
		k.press(kb.Tab, opts...)
		if k.focusIs(css) {
			return n
		}
	}
	k.t.Fatalf("%d presses of Tab did not reach %s; the focus is on %s", max, css, k.focused())
	return 0
}

// waitFocus waits for css to get the focus (after an htmx swap).
func (k kbd) waitFocus(css, after string) {
	k.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !k.focusIs(css) {
		if time.Now().After(deadline) {
			k.t.Fatalf("after %s the focus is on %s, not %s", after, k.focused(), css)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKeyboardOnlyMainTasks walks the main tasks with the keyboard alone:
// sign in, find a member, record a payment, import a bank statement, and,
// as the member, see what they owe and how to pay it (coin takes no
// payment online: the invoices page says where to transfer the money).
// After a boosted navigation the focus is on the new page's heading, after
// a failed form on its first error.
func TestKeyboardOnlyMainTasks(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	k := kbd{t, ctx}

	// Sign in: the form has the focus when the page opens.
	run(t, ctx, "open the sign-in page", chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`#f-login`)))
	k.waitFocus(`#f-login`, "opening the sign-in page")
	k.press("treasurer")
	k.tabTo(`#f-password`, 1, false)
	k.press("demo")
	k.press(kb.Enter)
	run(t, ctx, "signed in", chromedp.WaitVisible(chromedp.CSS(`#sections`)))
	checkA11y(t, ctx, "keyboard: home")
	// The skip link comes first, shows when focused, and leads to the content.
	k.tabTo(`a.skip-link`, 1, false)
	visible, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.getBoundingClientRect().top >= 0`))
	if !visible {
		t.Fatal("the focused skip link stays off-screen")
	}
	run(t, ctx, "skip link", shotScreen("keyboard-skip-link"))
	k.press(kb.Enter)
	k.waitFocus(`#main`, "the skip link")

	// Find a member: through the menu, then the live search.
	n := k.tabTo(`#sections a[href$="/admin/members"]`, 30, true)
	t.Logf("the member list is %d presses of Shift+Tab back from the content", n)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "following the menu to the members")
	k.tabTo(`#f-q`, 5, false)
	k.press("Adh")
	waitText(t, ctx, "#member-table", "1 member")
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("live-status").textContent`))
		if st == "1 member" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search's result count was not announced: status region says %q", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	k.tabTo(`#member-table tbody a`, 15, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "opening the member")
	waitText(t, ctx, "#main h1", "Émilie")
	checkA11y(t, ctx, "keyboard: member")

	// Record a payment: back up to the menu, find the member, send the
	// form empty first (the focus goes to the first error), then filled.
	k.tabTo(`#sections a[href$="/admin/payments"]`, 40, true)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "following the menu to the payments")
	k.tabTo(`a[href$="/admin/payments/new"]`, 10, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "opening the payment form")
	k.tabTo(`#f-member_q`, 5, false)
	k.press("Adh")
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "searching for the member")
	k.tabTo(`main a[href*="/admin/payments/new?member_id="]`, 5, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "choosing the member")
	run(t, ctx, "payment form", chromedp.WaitVisible(chromedp.CSS(`#f-amount`)))
	k.tabTo(`main form[method=post] button[type=submit]`, 40, false)
	k.press(kb.Enter)
	k.waitFocus(`#f-amount[aria-invalid="true"]`, "sending the payment form empty")
	run(t, ctx, "first error", shotScreen("keyboard-first-error"))
	checkA11y(t, ctx, "keyboard: payment form with errors")
	k.press("13.00")
	k.tabTo(`main form[method=post] button[type=submit]`, 10, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "recording the payment")
	waitText(t, ctx, "#main", "13.00")

	// Import a statement: the file comes from the system's file chooser,
	// which is not the page's; everything else is keys.
	k.tabTo(`#sections a[href$="/admin/bank-imports"]`, 40, true)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "following the menu to the bank statements")
	k.tabTo(`#f-statement`, 10, false)
	chosen, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
			const r = await fetch(document.querySelector('a[href$="/demo-statement.csv"]').href);
			if (!r.ok) return false;
			const dt = new DataTransfer();
			dt.items.add(new File([await r.blob()], "demo-statement.csv", {type: "text/csv"}));
			document.activeElement.files = dt.files;
			return true;
		})()`, chromedp.EvalAwaitPromise))
	if err != nil || !chosen {
		t.Fatalf("choose the demo statement: %v", err)
	}
	k.tabTo(`#f-format`, 3, false)
	k.press("Cr")
	k.tabTo(`form.upload button[type=submit]`, 3, false)
	k.press(kb.Enter)
	run(t, ctx, "preview", chromedp.WaitVisible(chromedp.CSS(`form[action$="/confirm"] button`)))
	checkA11y(t, ctx, "keyboard: statement preview")
	k.tabTo(`form[action$="/confirm"] button`, 80, false)
	k.press(kb.Enter)
	waitText(t, ctx, "#main", "The statement was imported.")
	k.waitFocus(`#main h1`, "importing the statement")

	// Sign out, and sign in as the member to pay what they owe.
	k.tabTo(`form[action$="/logout"] button`, 60, true)
	k.press(kb.Enter)
	run(t, ctx, "signed out", chromedp.WaitVisible(chromedp.CSS(`#f-login`)))
	k.waitFocus(`#f-login`, "signing out")
	k.press("member")
	k.tabTo(`#f-password`, 1, false)
	k.press("demo")
	k.press(kb.Enter)
	run(t, ctx, "member signed in", chromedp.WaitVisible(chromedp.CSS(`#sections`)))
	k.tabTo(`#sections a[href$="/invoices"]`, 20, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "following the menu to the invoices")
	main := text(t, ctx)
	for _, want := range []string{"What I owe", "Pay by bank transfer to the account below", "IBAN"} {
		if !strings.Contains(main, want) {
			t.Fatalf("the invoices page does not say %q:\n%s", want, main)
		}
	}
	k.tabTo(`main a[href*="/invoices/"]:not([href$="/pdf"])`, 20, false)
	k.press(kb.Enter)
	k.waitFocus(`#main h1`, "opening an invoice")
	checkA11y(t, ctx, "keyboard: member invoice")
}

// TestFocusIsVisible: links, primary and secondary buttons, fields and
// the back-office menu's toggle all show a focus ring of at least 3:1
// against the page behind them, when the keyboard reaches them.
func TestFocusIsVisible(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	k := kbd{t, ctx}
	login(t, ctx, s, "admin", "demo")
	run(t, ctx, "members", chromedp.Navigate(s.URL+"/admin/members"), chromedp.WaitVisible(chromedp.CSS(`#f-q`)))
	ring := func(what string) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const lum = c => {
				const m = c.match(/[\d.]+/g).map(Number);
				const [r, g, b] = m.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
				return 0.2126 * r + 0.7152 * g + 0.0722 * b;
			};
			const e = document.activeElement, st = getComputedStyle(e);
			if (st.outlineStyle === "none" || parseFloat(st.outlineWidth) < 2) return "no outline (" + st.outlineStyle + " " + st.outlineWidth + ")";
			// The ring stands outside the element: on the nearest background behind it.
			let bg = "rgb(255, 255, 255)";
			for (let p = e.parentElement; p; p = p.parentElement) {
				const c = getComputedStyle(p).backgroundColor, m = c.match(/[\d.]+/g);
				if (m && (m.length < 4 || Number(m[3]) > 0)) { bg = c; break; }
			}
			const a = lum(st.outlineColor), b = lum(bg);
			const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
			return ratio >= 3 ? "" : "outline " + st.outlineColor + " is " + ratio.toFixed(2) + ":1 against the page";
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got != "" {
			t.Errorf("focused %s (%s): %s", what, k.focused(), got)
		}
	}
	k.tabTo(`a.skip-link`, 1, false)
	ring("skip link")
	k.tabTo(`header.site a.brand`, 2, false)
	ring("link")
	k.tabTo(`header.site select`, 2, false)
	ring("drop-down")
	k.tabTo(`header.site button.secondary`, 2, false)
	ring("secondary button")
	k.tabTo(`main a[role=button]:not(.secondary)`, 40, false)
	ring("primary button")
	k.tabTo(`#f-q`, 5, false)
	ring("search field")

	// On a phone the back-office menu is folded behind its toggle.
	run(t, ctx, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(s.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.CSS(`#sections`)))
	k.tabTo(`details.staff-menu > summary`, 30, false)
	ring("menu toggle")
}
