package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"
)

// TestTreasurerImportsAStatementAndCollectsByDirectDebit walks through the
// treasurer's tools on the demo: upload a statement in Crédit Mutuel's
// layout, see each kind of result, settle the ambiguous line by hand,
// confirm, upload it again (all already imported), add a SEPA mandate and
// see the invoices the next direct debit file collects.
func TestTreasurerImportsAStatementAndCollectsByDirectDebit(t *testing.T) {
	s := startServer(t, "", []string{"--demo"}, "COIN_SEPA_CREDITOR_ID=FR72ZZZ123456",
		"COIN_SEPA_CREDITOR_NAME=Rézo", "COIN_SEPA_CREDITOR_IBAN=FR7630006000011234567890189")
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(s.Data, "coin.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var number string
	var owed int64
	var memberID int64
	var first, last string
	err = db.QueryRow(`SELECT i.number, i.total_cents - i.paid_cents, m.id, m.first_name, m.last_name FROM invoices i
		JOIN members m ON m.id = i.member_id WHERE i.kind = 'invoice' AND i.status = 'validated'
		AND i.paid_cents < i.total_cents ORDER BY i.id LIMIT 1`).Scan(&number, &owed, &memberID, &first, &last)
	if err != nil {
		t.Fatalf("no open invoice in the demo: %v", err)
	}
	var debtor int64
	if err := db.QueryRow(`SELECT member_id FROM invoices WHERE kind = 'invoice' AND status = 'validated'
		AND paid_cents < total_cents AND member_id <> ? AND member_id NOT IN (SELECT member_id FROM sepa_mandates)
		ORDER BY id DESC LIMIT 1`, memberID).Scan(&debtor); err != nil {
		t.Fatal(err)
	}
	var a, b int64
	if err := db.QueryRow(`SELECT MIN(id), MAX(id) FROM members WHERE role = 'member' AND id <> ?`, memberID).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	rows := []string{
		"Date;Date de valeur;Débit;Crédit;Libellé;Solde",
		fmt.Sprintf("02/03/2026;02/03/2026;;%d,%02d;VIR SEPA %s %s FACTURE %s;1 000,00", owed/100, owed%100, strings.ToUpper(last), strings.ToUpper(first), number),
		fmt.Sprintf("03/03/2026;03/03/2026;;15,00;VIR COTISATION ADH-%d;1 015,00", a),
		"03/03/2026;03/03/2026;-12,50;;PRLV SEPA OVH SAS Hébergement;1 002,50",
		fmt.Sprintf("04/03/2026;04/03/2026;;30,00;VIR FAMILLE ADH-%d ADH-%d;1 032,50", a, b),
		"05/03/2026;05/03/2026;;120,00;VIR SEPA SUBVENTION MAIRIE;1 152,50",
	}
	body, err := charmap.Windows1252.NewEncoder().String(strings.Join(rows, "\r\n") + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "releve-mars.csv")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browserCtx(t)
	login(t, ctx, s, "treasurer", "demo")
	run(t, ctx, "upload page",
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/bank-imports"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-statement`)),
		chromedp.SetValue(chromedp.CSS(`#f-format`), "credit_mutuel"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-statement`), []string{file}),
		shot("bank-upload"),
		chromedp.Submit(chromedp.CSS(`#f-statement`)),
	)
	waitText(t, ctx, "#main", "Import 2 payments")
	for _, want := range []string{"by invoice number", "by membership reference", "Ignored (debit)", "Ambiguous", "Unmatched"} {
		waitText(t, ctx, "#bank-lines", want)
	}
	run(t, ctx, "preview", shot("bank-preview"))

	run(t, ctx, "fix the ambiguous line",
		chromedp.Click(chromedp.CSS(`#line-4 a[href*="/lines/4"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#line-4 ul.choices a`)),
		shot("bank-fix-candidates"),
		chromedp.Click(chromedp.CSS(`#line-4 ul.choices a`)),
		chromedp.WaitVisible(chromedp.CSS(`#line-4 input[value="credit"]`)),
		chromedp.Click(chromedp.CSS(`#line-4 input[value="credit"]`)),
		shot("bank-fix-target"),
		chromedp.Click(chromedp.CSS(`#line-4 button[type=submit]`)),
	)
	waitText(t, ctx, "#line-4", "chosen by hand")
	waitText(t, ctx, "#bank-confirm form", "Import 3 payments")
	run(t, ctx, "fixed", shot("bank-fixed"),
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
	waitText(t, ctx, "#main", "The statement was imported.")
	run(t, ctx, "imported", shot("bank-imported"))

	run(t, ctx, "upload again",
		chromedp.Navigate(s.URL+"/admin/bank-imports"),
		chromedp.WaitVisible(chromedp.CSS(`#f-statement`)),
		chromedp.SetValue(chromedp.CSS(`#f-format`), "credit_mutuel"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-statement`), []string{file}),
		chromedp.Submit(chromedp.CSS(`#f-statement`)),
	)
	waitText(t, ctx, "#main", "3 already imported")
	run(t, ctx, "again", shot("bank-again"))

	run(t, ctx, "mandates",
		chromedp.Navigate(fmt.Sprintf("%s/admin/members/%d/mandates", s.URL, debtor)),
		chromedp.WaitVisible(chromedp.CSS(`#f-reference`)),
		chromedp.SendKeys(chromedp.CSS(`#f-reference`), "RUM-2026-0001"),
		chromedp.SendKeys(chromedp.CSS(`#f-iban`), "FR76 3000 6000 0112 3456 7890 180"),
		chromedp.Submit(chromedp.CSS(`#f-reference`)),
	)
	waitText(t, ctx, "#main", "This IBAN is not valid")
	run(t, ctx, "mandate error", shot("mandate-error"),
		chromedp.SetValue(chromedp.CSS(`#f-iban`), "FR76 3000 6000 0112 3456 7890 189"),
		chromedp.SendKeys(chromedp.CSS(`#f-bic`), "AGRIFRPP"),
		chromedp.Submit(chromedp.CSS(`#f-reference`)),
	)
	waitText(t, ctx, "#main", "The mandate was saved.")
	run(t, ctx, "mandate saved", shot("mandates"),
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/sepa"]`)))
	waitText(t, ctx, "#main", "RUM-2026-0001")
	waitText(t, ctx, "#main", "to collect")
	run(t, ctx, "sepa page", shot("sepa"),
		chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/accounting"]`)))
	waitText(t, ctx, "#main", "FEC")
	run(t, ctx, "accounting page", shot("accounting"))
}

// TestDemoStatementAndDirectDebit takes the demo's own statement from the
// import page, as a visitor would, and imports it; the demo's mandates
// give the direct debit page invoices to collect.
func TestDemoStatementAndDirectDebit(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	login(t, ctx, s, "treasurer", "demo")
	chooseDemoFile(t, ctx, s, "demo-statement.csv", "credit_mutuel", "text/csv")
	run(t, ctx, "preview", chromedp.Submit(chromedp.CSS(`#f-statement`)))
	for _, want := range []string{"Import 5 payments", "by invoice number", "by name and amount", "by membership reference",
		"Unmatched", "Ignored (debit)"} {
		waitText(t, ctx, "#main", want)
	}
	run(t, ctx, "demo preview", shot("demo-bank-preview"),
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
	waitText(t, ctx, "#main", "The statement was imported.")
	run(t, ctx, "direct debit", chromedp.Click(chromedp.CSS(`#sections a[href$="/admin/sepa"]`)))
	waitText(t, ctx, "#main", "TRABOULE-")
	waitText(t, ctx, "#main", "to collect")
	run(t, ctx, "demo sepa", shot("demo-sepa"))
	// Write the file as the form does (the browser would save the
	// download), then find it kept on the page and download it again.
	written, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
			const f = document.querySelector('form[action$="/admin/sepa/debit"]');
			const r = await fetch(f.action, {method: "POST", body: new FormData(f)});
			return r.ok ? await r.text() : "HTTP " + r.status;
		})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	msgID := regexp.MustCompile(`<MsgId>([^<]+)</MsgId>`).FindStringSubmatch(written)
	if msgID == nil {
		t.Fatalf("direct debit file: %.300s", written)
	}
	run(t, ctx, "sepa again", chromedp.Navigate(s.URL+"/admin/sepa"))
	waitText(t, ctx, "#sepa-files", msgID[1])
	waitText(t, ctx, "#sepa-files", "treasurer")
	run(t, ctx, "sepa files", shot("demo-sepa-files"))
	again, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
			const r = await fetch(document.querySelector('#sepa-files a[href*="/admin/sepa/files/"]').href);
			return r.ok ? await r.text() : "HTTP " + r.status;
		})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if again != written {
		t.Fatalf("the file downloaded again differs: %.300s", again)
	}

	// The bank answers: the collections credited, the first sent back.
	chooseDemoFile(t, ctx, s, "demo-returns.xml", "camt053", "application/xml")
	run(t, ctx, "returns preview", chromedp.Submit(chromedp.CSS(`#f-statement`)))
	waitText(t, ctx, "#main", "sent back (AM04)")
	waitText(t, ctx, "#main", "1 returned direct debit")
	returned, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(document.querySelector("#main").innerText.match(/direct debit of invoice (\S+) sent back/) || [])[1] || ""`))
	if err != nil || returned == "" {
		t.Fatalf("no returned invoice on the preview: %v", err)
	}
	run(t, ctx, "returns preview shot", shot("demo-returns-preview"),
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
	waitText(t, ctx, "#main", "The statement was imported.")
	run(t, ctx, "returned invoice", chromedp.Navigate(s.URL+"/admin/invoices?q="+url.QueryEscape(returned)))
	waitText(t, ctx, "#main", returned)
	run(t, ctx, "returned invoice shot", shot("demo-returned-invoice"))
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`[...document.querySelectorAll("#main tr")].some(tr => tr.innerText.includes(`+strconv.Quote(returned)+`) && /To pay|Overdue/.test(tr.innerText))`))
	if err != nil || !open {
		t.Fatalf("invoice %s not shown open again after the return (%v)", returned, err)
	}
}

// chooseDemoFile does what a visitor does by hand on the statements page:
// download the demo file the link offers (its href ends with name) and
// choose it in the upload form, under format; the next step submits.
func chooseDemoFile(t *testing.T, ctx context.Context, s *server, name, format, mime string) {
	t.Helper()
	run(t, ctx, "upload page",
		chromedp.Navigate(s.URL+"/admin/bank-imports"),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/`+name+`"]`)),
		chromedp.SetValue(chromedp.CSS(`#f-format`), format),
	)
	uploaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
			const r = await fetch(document.querySelector('a[href$="/`+name+`"]').href);
			if (!r.ok) return false;
			const dt = new DataTransfer();
			dt.items.add(new File([await r.blob()], `+jsString(name)+`, {type: `+jsString(mime)+`}));
			document.querySelector("#f-statement").files = dt.files;
			return true;
		})()`, chromedp.EvalAwaitPromise))
	if err != nil || !uploaded {
		t.Fatalf("the demo file %s did not download: %v", name, err)
	}
}
