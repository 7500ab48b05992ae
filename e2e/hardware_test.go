package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHardwareAndMailingLists walks through the demo: support lends an
// item from the inventory in one click, reads an item's history and the
// mailing lists; the demo member sees their hardware and joins a list,
// which reaches the list server (a script recording what it is given).
func TestHardwareAndMailingLists(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "push")
	os.WriteFile(script, []byte("#!/bin/sh\n{ echo \"== $1\"; cat; } >> \""+dir+"/log\"\n"), 0o755)
	s := startServer(t, "", []string{"--demo"}, "COIN_MAILLISTS_SYNC_COMMAND="+script+",{short_name}")
	ctx := browserCtx(t)
	login(t, ctx, s, "support", "demo")
	run(t, ctx, "inventory",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/hardware"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#inventory-table`)),
	)
	waitText(t, ctx, "#inventory-table", "Lent to Émilie Adhérente")
	run(t, ctx, "inventory page", shot("hardware-inventory"))
	run(t, ctx, "lend in one click",
		chromedp.SendKeys(chromedp.CSS(`#inventory-table form[action$="/lend"] input[name=member]`), "treasurer"),
		chromedp.Click(chromedp.CSS(`#inventory-table form[action$="/lend"] button`)),
	)
	waitText(t, ctx, "#inventory-table", "Lent to Tristan Trésorier")
	run(t, ctx, "filter lent",
		chromedp.SetValue(chromedp.CSS(`#f-state`), "lent"),
		chromedp.Click(chromedp.CSS(`form.toolbar button[type=submit]`)),
	)
	waitText(t, ctx, "#inventory-table", "6 items")
	run(t, ctx, "inventory filtered", shot("hardware-inventory-lent"))
	run(t, ctx, "item history",
		chromedp.Navigate(s.URL+"/admin/hardware/6"),
		chromedp.WaitVisible(chromedp.CSS(`#lend-form`)),
	)
	waitText(t, ctx, "#main", "Remplacé par le Turris")
	run(t, ctx, "item page", shot("hardware-item"))
	run(t, ctx, "item form",
		chromedp.Navigate(s.URL+"/admin/hardware/new"),
		chromedp.WaitVisible(chromedp.CSS(`#item-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-designation`), "Turris Omnia"),
		chromedp.SendKeys(chromedp.CSS(`#f-mac`), "02:C0:1A:00:00:10"),
		chromedp.Click(chromedp.CSS(`#item-form button[type=submit]`)),
	)
	waitText(t, ctx, "#item-form", "Another item has this MAC address.")
	run(t, ctx, "item form errors", shot("hardware-item-form"))
	run(t, ctx, "item types",
		chromedp.Navigate(s.URL+"/admin/hardware/types"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/admin/hardware/types"]`)),
		shot("hardware-types"),
	)
	run(t, ctx, "members e-mail",
		chromedp.Navigate(s.URL+"/admin/members-email?list=technique"),
		chromedp.WaitVisible(chromedp.CSS(`textarea.addresses`)),
		shot("members-email"),
	)
	run(t, ctx, "mailing lists",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/lists"]`)),
	)
	waitText(t, ctx, "#main", "technique@listes.demo.coin.example")
	run(t, ctx, "lists page", shot("lists-admin"))
	run(t, ctx, "push a list",
		chromedp.Click(chromedp.CSS(`a[href$="/admin/lists/2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/sync"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/sync"] button`)),
	)
	waitText(t, ctx, "#main", "The list has been pushed")
	run(t, ctx, "list page", shot("lists-list"))
	logout(t, ctx)

	login(t, ctx, s, "member", "demo")
	run(t, ctx, "my hardware", chromedp.Click(chromedp.CSS(`#sections a[href$="/hardware"]`)))
	waitText(t, ctx, "#main", "Turris Omnia")
	if txt := text(t, ctx); strings.Contains(txt, "Tristan") || !strings.Contains(txt, "Huawei HG8010H") {
		t.Fatalf("my hardware shows:\n%s", txt)
	}
	run(t, ctx, "my hardware page", shot("portal-hardware"))
	run(t, ctx, "my lists", chromedp.Click(chromedp.CSS(`#sections a[href$="/lists"]`)))
	waitText(t, ctx, "#list-2", "Subscribe")
	run(t, ctx, "join technique", chromedp.Click(chromedp.CSS(`#list-2 button`)))
	waitText(t, ctx, "#list-2", "Unsubscribe")
	run(t, ctx, "my lists page", shot("portal-lists"))
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if !strings.Contains(string(log), "== technique\n") || !strings.Contains(string(log), "member@demo.coin.example") {
		t.Fatalf("the list server got:\n%s", log)
	}
}
