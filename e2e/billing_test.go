package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// httpLogin signs in with a plain HTTP client, for downloads.
func httpLogin(t *testing.T, s *server, login, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(s.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfInput.FindSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	res, err = c.PostForm(s.URL+"/login", url.Values{"_csrf": {string(m[1])}, "login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return c
}

func fetch(t *testing.T, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestTreasurerChargesRecordsPaymentMemberSeesInvoices follows issue 5 on
// the demo: the treasurer runs the charge from the button (htmx progress),
// opens a PDF, records a payment and sees the invoice paid; the member sees
// their invoices and what they owe.
func TestTreasurerChargesRecordsPaymentMemberSeesInvoices(t *testing.T) {
	s := startServer(t, "", []string{"--demo"})
	ctx := browserCtx(t)
	login(t, ctx, s, "treasurer", "demo")
	run(t, ctx, "charge page",
		chromedp.Navigate(s.URL+"/admin/charge"),
		chromedp.WaitVisible(chromedp.CSS(`#charge-progress`)),
		chromedp.Click(chromedp.CSS(`form[action$="/admin/charge"] button[type=submit]`)),
	)
	waitText(t, ctx, "#charge-progress", "members checked")
	waitText(t, ctx, "main.container", "See the invoices")
	run(t, ctx, "charge done", shot("charge-done"))
	// The member account owes its latest invoices (demo): record a payment.
	run(t, ctx, "member page",
		chromedp.Navigate(s.URL+"/admin/members?q=member%40demo"),
		chromedp.Click(chromedp.CSS(`#member-table tbody a`)),
	)
	waitText(t, ctx, "#main", "Owes")
	run(t, ctx, "member billing", shot("member-billing"))
	// A full page load, not the boosted click: under load, htmx could swap
	// the page in after the keys were typed, leaving the form empty.
	pay, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a[href*="/admin/payments/new?member_id="]`), "href"))
	if err != nil || !pay.Exists {
		t.Fatalf("payment link: %v", err)
	}
	run(t, ctx, "payment form",
		chromedp.Navigate(s.URL+pay.Value),
		chromedp.WaitVisible(chromedp.CSS(`#f-amount`)),
		chromedp.SendKeys(chromedp.CSS(`#f-amount`), "1000"),
		chromedp.SendKeys(chromedp.CSS(`#f-label`), "Virement Émilie"),
		shot("payment-form"),
		chromedp.Submit(chromedp.CSS(`#f-amount`)),
	)
	waitText(t, ctx, "#main", "Allocated to")
	run(t, ctx, "payment page", shot("payment"))
	run(t, ctx, "invoice page", chromedp.Click(chromedp.CSS(`#main table a[href*="/admin/invoices/"]`)))
	waitText(t, ctx, "#main", "Paid")
	run(t, ctx, "invoice", shot("invoice-paid"))

	// The PDF of that invoice, as the treasurer downloads it.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href$="/pdf"]').getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	client := httpLogin(t, s, "treasurer", "demo")
	res, pdf := fetch(t, client, s.Origin+href)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		p := filepath.Join(t.TempDir(), "inv.pdf")
		os.WriteFile(p, pdf, 0o644)
		out, _ := exec.Command("pdftotext", p, "-").Output()
		if !strings.Contains(string(out), "Émilie Adhérente") {
			t.Fatalf("PDF text:\n%s", out)
		}
		if dir := os.Getenv("COIN_SCREENSHOTS"); dir != "" {
			exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", p, filepath.Join(dir, "invoice-pdf")).Run()
		}
	}
	logout(t, ctx)

	login(t, ctx, s, "member", "demo")
	waitText(t, ctx, "#main", "What I owe")
	run(t, ctx, "member home", shot("portal-home"))
	run(t, ctx, "member invoices", chromedp.Click(chromedp.CSS(`#sections a[href$="/invoices"]`)))
	waitText(t, ctx, "#main", "History")
	run(t, ctx, "member invoices page", shot("portal-invoices"))
	// Another member's invoice PDF is not found.
	mc := httpLogin(t, s, "member", "demo")
	if res, _ := fetch(t, mc, s.URL+"/invoices/1/pdf"); res.StatusCode != http.StatusNotFound && res.StatusCode != 200 {
		t.Fatalf("invoice 1: %d", res.StatusCode)
	}
}
