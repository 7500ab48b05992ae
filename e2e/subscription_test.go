package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminSubscribesMemberToNewVPNOffer follows issue 4 on the demo: an
// admin creates an offer, subscribes a member to it through the member
// search box, the provision hook runs and its record shows; the member sees
// the subscription, and the state of their VPS, in the portal.
func TestAdminSubscribesMemberToNewVPNOffer(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	login(t, ctx, s, "admin", "demo")
	run(t, ctx, "new offer",
		chromedp.Navigate(s.URL+"/admin/offers/new"),
		chromedp.WaitVisible(chromedp.CSS(`#offer-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "VPN étudiant"),
		chromedp.SendKeys(chromedp.CSS(`#f-reference`), "VPN-ETU"),
		chromedp.SetValue(chromedp.CSS(`#f-backend`), "vpn"),
		chromedp.SetValue(chromedp.CSS(`#f-period_fee`), "3,00"),
		chromedp.Click(chromedp.CSS(`#offer-form button[type=submit]`)),
	)
	waitText(t, ctx, "#main", "VPN-ETU")
	run(t, ctx, "offers", shot("offers"))
	// The new offer takes its IPv6 /56 from the demo's VPN IPv6 pool.
	run(t, ctx, "pools",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/pools"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
		shot("pools"),
		chromedp.Click(chromedp.CSS(`#main a[href$="/admin/pools/2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#link-form`)),
		chromedp.SetValue(chromedp.CSS(`#f-offer_id`), "9"),
		chromedp.Click(chromedp.CSS(`#link-form button[type=submit]`)),
	)
	waitText(t, ctx, "#main", "VPN-ETU — VPN étudiant")
	run(t, ctx, "pool page", shot("pool"))
	run(t, ctx, "subscription form",
		chromedp.Navigate(s.URL+"/admin/subscriptions/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-member_q`)),
		chromedp.SendKeys(chromedp.CSS(`#f-member_q`), "Adhérente"),
	)
	waitText(t, ctx, "#member-options", "member@demo.coin.example")
	run(t, ctx, "pick member and offer",
		chromedp.Click(chromedp.CSS(`#member-options input[type=radio]`)),
		chromedp.SetValue(chromedp.CSS(`#f-offer_id`), "9"),
	)
	// Choosing an offer asks htmx for its configuration fields.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#f-offer_id').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "fill configuration",
		chromedp.WaitVisible(chromedp.CSS(`#f-cfg_login`)),
		chromedp.SendKeys(chromedp.CSS(`#f-cfg_login`), "emilie-etu"),
		chromedp.SendKeys(chromedp.CSS(`#f-cfg_ipv4_endpoint`), "198.51.100.250"),
		shot("subscription-form"),
		chromedp.Click(chromedp.CSS(`#subscription-form button[type=submit]:not([formmethod])`)),
	)
	waitText(t, ctx, "#main", "ran successfully")
	body := text(t, ctx)
	for _, want := range []string{"VPN-ETU-", "emilie-etu", "demo-hook provision emilie-etu member", "note it now",
		"198.51.100.250/32", "2001:db8:0:1000::/56"} {
		if !strings.Contains(body, want) {
			t.Fatalf("subscription page lacks %q:\n%s", want, body)
		}
	}
	run(t, ctx, "subscription page", shot("subscription-created"))
	logout(t, ctx)

	login(t, ctx, s, "member", "demo")
	run(t, ctx, "portal subscriptions", chromedp.Click(chromedp.CSS(`#sections a[href$="/subscriptions"]`)))
	waitText(t, ctx, "#main", "emilie-etu")
	waitText(t, ctx, "#main", "running")
	run(t, ctx, "portal", shot("portal-subscriptions"))
	// The member names an address of the new subscription.
	run(t, ctx, "reverse dns",
		chromedp.Click(chromedp.CSS(`a[href$="/network"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ptr-form`)),
		chromedp.SendKeys(chromedp.CSS(`.ptr-form input[name=name]`), "etu.emilie.example.org"),
		chromedp.Click(chromedp.CSS(`.ptr-form button[type=submit]`)),
	)
	waitText(t, ctx, "#main", "etu.emilie.example.org")
	run(t, ctx, "portal reverse dns", shot("portal-reverse-dns"))
}
