package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDemoGiftAndTransitBillAreBooked books, in the import preview of the
// demo's statement, the anonymous gift as a donation and the transit bill
// as an expense on 626, rows swapped by htmx; confirming shows the entries
// it booked, and the entries page lists them.
func TestDemoGiftAndTransitBillAreBooked(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	login(t, ctx, s, "treasurer", "demo")
	chooseDemoFile(t, ctx, s, "demo-statement.csv", "credit_mutuel", "text/csv")
	run(t, ctx, "preview", chromedp.Submit(chromedp.CSS(`#f-statement`)))
	waitText(t, ctx, "#main", "Ignored (debit)")
	choose := func(label string) {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const tr = [...document.querySelectorAll("#bank-lines tbody tr")].find(r => r.textContent.includes(`+jsString(label)+`));
			const a = tr && tr.querySelector("a[hx-get]");
			if (!a) return false;
			a.click();
			return true;
		})()`))
		if err != nil || !ok {
			t.Fatalf("no Choose link on the line %q: %v", label, err)
		}
		run(t, ctx, "booking form", chromedp.WaitVisible(chromedp.CSS(`form.booking-form`)))
	}
	choose("DON ANONYME")
	checkA11y(t, ctx, "treasurer preview, booking a credit")
	run(t, ctx, "book the gift", chromedp.Click(chromedp.CSS(`form.booking-form button[type="submit"]`)))
	waitText(t, ctx, "#bank-lines", "Donation · 7541")
	choose("TRANSIT IP")
	checkA11y(t, ctx, "treasurer preview, booking a debit")
	run(t, ctx, "book the transit bill",
		chromedp.Click(chromedp.CSS(`form.booking-form input[value="expense"]`)),
		chromedp.SendKeys(chromedp.CSS(`form.booking-form input[name="account"]`), "626"),
		chromedp.SendKeys(chromedp.CSS(`form.booking-form input[name="label"]`), "Transit IP novembre"),
		chromedp.SendKeys(chromedp.CSS(`form.booking-form input[name="counterparty"]`), "Transit SARL"),
		chromedp.Click(chromedp.CSS(`form.booking-form button[type="submit"]`)))
	waitText(t, ctx, "#bank-lines", "Expense · 626")
	waitText(t, ctx, "#bank-confirm", "and 2 lines booked to accounts")
	run(t, ctx, "booked preview", shot("books-preview"),
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
	waitText(t, ctx, "#main", "The statement was imported.")
	waitText(t, ctx, "#import-entries", "626")
	run(t, ctx, "entries", chromedp.Navigate(s.URL+"/admin/accounting/entries"))
	waitText(t, ctx, "#entries", "Transit IP novembre")
	waitText(t, ctx, "#entries", "-€120.00")
	checkA11y(t, ctx, "treasurer entries")
	run(t, ctx, "entries page", shot("books-entries"))
}
