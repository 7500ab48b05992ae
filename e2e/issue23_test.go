package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// view is a screen width and a language the checks of issue 23's items
// 16–18 run at: a laptop in English, a phone in French.
type view struct {
	name  string
	width int
	lang  string
}

var views = []view{{"desktop-en", 1366, "en"}, {"phone-fr", 390, "fr"}}

// inView sizes the browser for v (the language is chosen once signed in).
func inView(t *testing.T, ctx context.Context, v view) {
	t.Helper()
	if v.width < 800 {
		run(t, ctx, v.name, chromedp.EmulateViewport(int64(v.width), 844, chromedp.EmulateMobile))
	} else {
		run(t, ctx, v.name, chromedp.EmulateViewport(int64(v.width), 900))
	}
}

// js runs a script that returns true when it did its part.
func js(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("script did not do its part: %s", expr)
		}
		return err
	})
}

// outboxKind counts the e-mails of a kind queued, to anyone.
func (s *server) outboxKind(t *testing.T, kind string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = ?`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// say picks the English or French text of a check.
func say(v view, en, fr string) string {
	if v.lang == "fr" {
		return fr
	}
	return en
}

// visit opens p and waits for its heading; each page is checked by axe.
func visit(t *testing.T, ctx context.Context, s *server, p, name string) {
	t.Helper()
	run(t, ctx, "visit "+p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")), shot(name))
	checkA11y(t, ctx, p)
}

// click presses the element sel and waits for the next page's heading.
func click(t *testing.T, ctx context.Context, step, sel, name string) {
	t.Helper()
	run(t, ctx, step, chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(chromedp.CSS("main h1")), shot(name))
	checkA11y(t, ctx, step)
}

// fitsPhone fails when the page scrolls sideways at 390 px.
func fitsPhone(t *testing.T, ctx context.Context, v view, p string) {
	t.Helper()
	if v.width >= 800 {
		return
	}
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if w > v.width {
		t.Errorf("%s at %d px is %d px wide", p, v.width, w)
	}
}

// Item 16: tick members in the filtered list and write to them (preview,
// then queued in the outbox), change their status; write to the members
// of the invoices listed.
func TestIssue23BulkActions(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtxTimeout(t, 3*time.Minute)
	for i, v := range views {
		inView(t, ctx, v)
		if i == 0 {
			login(t, ctx, s, "admin", "demo")
		}
		setLanguage(t, ctx, s, v.lang)
		before := s.outboxKind(t, "bulk")
		visit(t, ctx, s, "/admin/members?q=a", "i16-"+v.name+"-members")
		fitsPhone(t, ctx, v, "/admin/members")
		run(t, ctx, "tick two members", chromedp.Sleep(500*time.Millisecond), js(`(() => {
			const boxes = [...document.querySelectorAll('input[name=id][form=bulk-form]')].slice(0, 2);
			boxes.forEach(b => b.checked = true);
			return boxes.length === 2;
		})()`))
		click(t, ctx, "e-mail them", `#bulk-form button[value=email]`, "i16-"+v.name+"-compose")
		if got := text(t, ctx); !strings.Contains(got, say(v, "Write to members", "Écrire aux membres")) {
			t.Fatalf("compose page:\n%s", got)
		}
		run(t, ctx, "write", chromedp.SendKeys(chromedp.CSS(`#f-subject`), "Assemblée "+v.name),
			chromedp.SendKeys(chromedp.CSS(`#f-body`), "Hello {{.Member.FirstName}}, see you soon."))
		click(t, ctx, "preview", `main button[value=preview]`, "i16-"+v.name+"-preview")
		waitText(t, ctx, "pre.mail", "Assemblée "+v.name)
		click(t, ctx, "send", `main button[value=send]`, "i16-"+v.name+"-sent")
		waitText(t, ctx, ".flash", say(v, "queued in the outbox", "boîte d'envoi"))
		if n := s.outboxKind(t, "bulk"); n != before+2 {
			t.Fatalf("%d bulk messages queued, want %d", n, before+2)
		}
		visit(t, ctx, s, "/admin/members?q=a", "i16-"+v.name+"-members2")
		run(t, ctx, "tick one member, pick a status", chromedp.Sleep(500*time.Millisecond),
			chromedp.Click(chromedp.CSS(`input[name=id][form=bulk-form]`)),
			chromedp.SetValue(chromedp.CSS(`#f-new_status`), "member"),
			js(`document.querySelectorAll('input[name=id][form=bulk-form]:checked').length === 1`))
		click(t, ctx, "change status", `#bulk-form button[value=status]`, "i16-"+v.name+"-status")
		waitText(t, ctx, ".flash", say(v, "status of the chosen members is changed", "statut des membres choisis est changé"))
		visit(t, ctx, s, "/admin/invoices?status=open", "i16-"+v.name+"-invoices")
		fitsPhone(t, ctx, v, "/admin/invoices")
		click(t, ctx, "write to the invoices' members", `form[action$="/admin/invoices/bulk/email"] button`, "i16-"+v.name+"-invoices-compose")
		waitText(t, ctx, "main h1", say(v, "Write to members", "Écrire aux membres"))
	}
}

// Item 17: an admin edits an override in the browser: a broken text is
// refused, a good one previewed with demo data, saved (diff shown), then
// reverted to the built-in text.
func TestIssue23TemplateEditor(t *testing.T) {
	over := t.TempDir()
	s := startServer(t, "", []string{"--demo"}, "COIN_SERVER_OVERRIDES_DIR="+over)
	ctx := browserCtxTimeout(t, 3*time.Minute)
	for i, v := range views {
		inView(t, ctx, v)
		if i == 0 {
			login(t, ctx, s, "admin", "demo")
		}
		setLanguage(t, ctx, s, v.lang)
		name := "email/bulk." + v.lang + ".txt"
		visit(t, ctx, s, "/admin/templates", "i17-"+v.name+"-list")
		fitsPhone(t, ctx, v, "/admin/templates")
		visit(t, ctx, s, "/admin/templates/"+name, "i17-"+v.name+"-editor")
		run(t, ctx, "break the text", chromedp.SetValue(chromedp.CSS(`#f-body`), "Subject: {{.Site.Name}}\n\n{{.Nope"))
		click(t, ctx, "save a broken text", `.template-editor button[value=save]`, "i17-"+v.name+"-refused")
		waitText(t, ctx, ".flash.error", "")
		body := "Subject: {{.Site.Name}}: {{.Subject}}\n\n{{.Body}}\n\n-- e2e " + v.name + "\n"
		run(t, ctx, "a good text", chromedp.SetValue(chromedp.CSS(`#f-body`), body))
		click(t, ctx, "preview", `.template-editor button[value=preview]`, "i17-"+v.name+"-preview")
		waitText(t, ctx, "#main", "-- e2e "+v.name)
		click(t, ctx, "save", `.template-editor button[value=save]`, "i17-"+v.name+"-saved")
		waitText(t, ctx, ".flash", say(v, "Override saved", "Personnalisation enregistrée"))
		waitText(t, ctx, "pre.diff", "e2e "+v.name)
		click(t, ctx, "revert", `.template-editor button[value=revert]`, "i17-"+v.name+"-reverted")
		waitText(t, ctx, ".flash", say(v, "Override removed", "Personnalisation retirée"))
	}
}

// Item 18: a member asks for an open offer, staff approve it (the
// subscription is created, the member told by e-mail); the member signs a
// new SEPA mandate by a click, gives notice of resignation and downloads
// all their documents.
func TestIssue23MemberSelfService(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtxTimeout(t, 3*time.Minute)
	ibans := []string{"DE89 3704 0044 0532 0130 00", "FR76 3000 6000 0112 3456 7890 189"}
	for i, v := range views {
		inView(t, ctx, v)
		login(t, ctx, s, "member", "demo")
		setLanguage(t, ctx, s, v.lang)
		visit(t, ctx, s, "/requests", "i18-"+v.name+"-requests")
		fitsPhone(t, ctx, v, "/requests")
		run(t, ctx, "choose an offer", js(fmt.Sprintf(`(() => {
			const s = document.querySelector('#f-offer_id'); s.selectedIndex = %d; return true; })()`, i)))
		click(t, ctx, "ask", `form[action$="/requests/subscribe"] button`, "i18-"+v.name+"-asked")
		waitText(t, ctx, ".flash", say(v, "Your request is sent", "Votre demande est envoyée"))
		waitText(t, ctx, "#main table", say(v, "Waiting for the team", "En attente de l'équipe"))

		visit(t, ctx, s, "/mandate", "i18-"+v.name+"-mandate")
		fitsPhone(t, ctx, v, "/mandate")
		waitText(t, ctx, ".mandate-text", say(v, "within 8 weeks", "dans les 8 semaines"))
		run(t, ctx, "type the IBAN", chromedp.SendKeys(chromedp.CSS(`#f-iban`), ibans[i]),
			chromedp.Click(chromedp.CSS(`#f-accept`)))
		click(t, ctx, "sign", `form[action$="/mandate"] button[type=submit]`, "i18-"+v.name+"-signed")
		waitText(t, ctx, ".flash", say(v, "Your new mandate is signed", "Votre nouveau mandat est signé"))
		last4 := strings.ReplaceAll(ibans[i], " ", "")
		waitText(t, ctx, "#main", last4[len(last4)-4:])

		visit(t, ctx, s, "/requests", "i18-"+v.name+"-resign")
		// The laptop gives notice of one subscription, the phone of the membership.
		run(t, ctx, "what ends", js(fmt.Sprintf(`(() => {
			const s = document.querySelector('#f-subscription_id'); s.selectedIndex = Math.min(%d, s.options.length - 1); return true; })()`, 1-i)))
		click(t, ctx, "give notice", `form[action$="/requests/resign"] button`, "i18-"+v.name+"-resigned")
		waitText(t, ctx, ".flash", say(v, "Your notice of resignation is recorded", "Votre résiliation est enregistrée"))

		docs, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("documents.zip").then(r => r.status + " " + r.headers.get("content-type"))`,
			chromedp.EvalAwaitPromise))
		if err != nil || docs != "200 application/zip" {
			t.Fatalf("documents zip: %q %v", docs, err)
		}
		logout(t, ctx)

		login(t, ctx, s, "admin", "demo")
		setLanguage(t, ctx, s, v.lang)
		visit(t, ctx, s, "/admin/requests", "i18-"+v.name+"-admin")
		fitsPhone(t, ctx, v, "/admin/requests")
		waitText(t, ctx, "#main", "Émilie")
		click(t, ctx, "open the request", `#main table a[href*="/admin/requests/"]`, "i18-"+v.name+"-decide")
		// The offer's configuration: any valid text will do.
		run(t, ctx, "fill the configuration", js(fmt.Sprintf(`(() => {
			for (const el of document.querySelectorAll('form[action$="/approve"] [name^=cfg_]')) {
				if (el.tagName === "SELECT") { if (!el.value) el.selectedIndex = 1; continue; }
				if (!el.value) el.value = el.name === "cfg_line_number" ? "0478000%d00" : "e2e%dx";
			}
			return true; })()`, i, i)))
		click(t, ctx, "approve", `form[action$="/approve"] button`, "i18-"+v.name+"-approved")
		waitText(t, ctx, ".flash", say(v, "The subscription is created", "L'abonnement est créé"))
		if n := s.outboxCount(t, "request_approved", "member@demo.coin.example"); n != i+1 {
			t.Fatalf("%d approval e-mails to the member, want %d", n, i+1)
		}
		waitText(t, ctx, "#main", say(v, "Notice of resignation", "Résiliation"))
		logout(t, ctx)
	}
}
