package invoicepdf

import (
	"bytes"
	"coin/pdftest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"coin/date"
	"coin/i18n"
)

func sample(t testing.TB, lang, customer string) *Document {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	d := &Document{
		Number: "2026-000042", IssueDate: date.MustParse("2026-11-30"), DueDate: date.MustParse("2026-12-30"),
		Issuer: Issuer{Name: "Rézo Lyonnais", AddressLines: []string{"12 rue de la Charité", "69002 Lyon"},
			Email: "bureau@rezo.example", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP",
			LegalMentions: "Association loi 1901 — SIRET 123 456 789 00012"},
		CustomerName: customer, CustomerLines: []string{"3 place Bellecour", "69002 Lyon"}, CustomerRef: "zoe",
		Lines: []Line{
			{Label: "VPN mensuel", PeriodFrom: date.MustParse("2026-11-16"), PeriodTo: date.MustParse("2026-11-30"),
				Comment: "routeur du salon", Quantity: 1, UnitPriceCents: 250, AmountCents: 250},
			{Label: "Frais de mise en service — œuvre collective", Quantity: 1, UnitPriceCents: 5000, AmountCents: 5000},
		},
		TotalExclCents: 5250, TotalCents: 5250, VATMention: "TVA non applicable, art. 293 B du CGI",
		PaymentReference: "2026-000042", Footer: "Merci de votre soutien !", Locale: c.Locale(lang, paris, "EUR"),
	}
	return d
}

func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf)
}

func TestRenderFrenchInvoiceKeepsAccents(t *testing.T) {
	pdf, err := Render(sample(t, "fr", "Zoé Straße-Éluard"))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, pdf)
	for _, want := range []string{"FACTURE", "2026-000042", "Zoé Straße-Éluard", "Rézo Lyonnais", "52,50 €",
		"FR76 3000 6000 0112 3456 7890 189", "du 16/11/2026 au 30/11/2026", "œuvre", "TVA non applicable",
		"Échéance", "30/12/2026", "Merci de votre soutien"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// Helvetica, a core font, is in every reader: nothing is embedded.
	if bytes.Contains(pdf, []byte("/FontFile2")) || !bytes.Contains(pdf, []byte("/BaseFont /Helvetica")) {
		t.Error("a Windows-1252 document embeds a font instead of using Helvetica")
	}
	if !bytes.Contains(pdf, []byte("/FlateDecode")) {
		t.Error("the page is not compressed")
	}
	if len(pdf) > 8<<10 {
		t.Errorf("a one-page invoice weighs %d bytes, want at most 8 KiB", len(pdf))
	}
}

// textLines is what a reader gets out of a PDF: pdftotext's lines with
// their runs of spaces (which depend on the font's widths) made one.
func textLines(t *testing.T, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(pdftotext(t, pdf), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// The core font prints the same text as the embedded font did, line by
// line, in French, English and German, with long lines that wrap.
func TestCoreFontPrintsTheSameTextAsTheEmbeddedFont(t *testing.T) {
	de := sample(t, "en", "Jürgen Groß-Öztürk")
	de.Lines[0].Label = "Glasfaseranschluss für die Gemeinschaftsräume, Straße der Einheit, Erdgeschoß — « monatlich »"
	de.Footer = "Traboule — 12 rue de la Charité, 69002 Lyon — IBAN FR76 3000 6000 0112 3456 7890 189 — Association loi 1901, SIRET 123 456 789 00012, déclarée en préfecture du Rhône"
	for name, d := range map[string]*Document{"fr": sample(t, "fr", "Zoé Straße-Éluard"), "en": sample(t, "en", "Chloë O'Brien"), "de": de} {
		t.Run(name, func(t *testing.T) {
			core, embedded := mustRender(t, d), mustRenderEmbedded(t, d)
			if bytes.Contains(core, []byte("/FontFile2")) || !bytes.Contains(embedded, []byte("/FontFile2")) {
				t.Fatal("the two paths are not the core font and the embedded one")
			}
			got, want := textLines(t, core), textLines(t, embedded)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("core font text:\n%s\n\nembedded font text:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func mustRenderEmbedded(t *testing.T, d *Document) []byte {
	t.Helper()
	pdf, err := RenderEmbedded(d)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// Characters outside Windows-1252 (Polish, Hungarian, Turkish, Romanian,
// Cyrillic, Greek) are printed, through the embedded font.
func TestCharactersOutsideWindows1252ArePrinted(t *testing.T) {
	names := []string{"Małgorzata Łukasiewicz", "Erdős Pál", "Şule Yılmaz", "Ștefan Țăranu", "Дмитрий Шостакович", "Ελένη Παπαδοπούλου"}
	for _, name := range names {
		d := sample(t, "fr", name)
		d.Lines[0].Comment = "box de " + name
		pdf := mustRender(t, d)
		if !bytes.Contains(pdf, []byte("/FontFile2")) {
			t.Errorf("%s: the font is not embedded", name)
		}
		text := pdftotext(t, pdf)
		for _, want := range []string{name, "box de " + name, "Zoé", "52,50 €"} {
			if want == "Zoé" {
				want = "Rézo Lyonnais"
			}
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, text)
			}
		}
	}
}

func TestRenderNonLatin1NameUsesUTF8Font(t *testing.T) {
	d := sample(t, "en", "Małgorzata Łukasiewicz")
	if fitsWindows1252(d.texts()) {
		t.Fatal("ł should not fit Windows-1252")
	}
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, pdf)
	for _, want := range []string{"INVOICE", "Małgorzata Łukasiewicz", "€52.50", "Due date"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

func TestManyLinesBreakPages(t *testing.T) {
	d := sample(t, "fr", "Zoé")
	for i := 0; i < 60; i++ {
		d.Lines = append(d.Lines, Line{Label: "Ligne de test assez longue pour voir le retour à la ligne du libellé dans la colonne", Quantity: 1, UnitPriceCents: 100, AmountCents: 100})
	}
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, pdf)
	if !strings.Contains(text, "page 3") || strings.Count(text, "Désignation") < 2 {
		t.Fatalf("no page break with repeated header:\n%s", text)
	}
}

// BenchmarkRender compares an invoice page with the same page drawn by
// bare fpdf with its core Helvetica font, in the same process.
func BenchmarkRender(b *testing.B) {
	d := sample(b, "fr", "Zoé Straße-Éluard")
	b.Run("coin", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := Render(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("coin-utf8", func(b *testing.B) {
		d := sample(b, "fr", "Małgorzata")
		for i := 0; i < b.N; i++ {
			if _, err := Render(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-fpdf", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			BareFpdf(d)
		}
	})
}

// BareFpdf draws the same page with fpdf defaults (core font, compression):
// the baseline of the benchmarks.
func BareFpdf(d *Document) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	tr := p.UnicodeTranslatorFromDescriptor("cp1252")
	p.AddPage()
	p.SetFont("Helvetica", "B", 13)
	p.Cell(90, 6, tr(d.Issuer.Name))
	p.Ln(8)
	p.SetFont("Helvetica", "", 9.5)
	for _, l := range d.Lines {
		p.CellFormat(92, 5, tr(l.Label), "", 0, "L", false, 0, "")
		p.CellFormat(82, 5, tr(d.Locale.Money(l.AmountCents)), "", 1, "R", false, 0, "")
	}
	p.CellFormat(174, 6, tr(d.Locale.Money(d.TotalCents)), "", 1, "R", false, 0, "")
	var buf bytes.Buffer
	p.Output(&buf)
	return buf.Bytes()
}

// TestVATColumnOnlyWhenVATIsCharged: an association exempted from VAT
// prints its mention, not a column of 0 %; a taxed invoice shows the rate
// and the VAT total.
func TestVATColumnOnlyWhenVATIsCharged(t *testing.T) {
	d := sample(t, "fr", "Zoé")
	text := pdftotext(t, mustRender(t, d))
	for _, unwanted := range []string{"0 %", "Total HT", "Prix unitaire TVA"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("exempt invoice shows %q:\n%s", unwanted, text)
		}
	}
	if !strings.Contains(text, "Identifiant adhérent : zoe") || !strings.Contains(text, "TVA non applicable") {
		t.Errorf("exempt invoice:\n%s", text)
	}
	d.Lines[1].TaxRateBP, d.TaxCents, d.TotalCents, d.VATMention = 2000, 1000, 6250, ""
	text = pdftotext(t, mustRender(t, d))
	for _, want := range []string{"20 %", "Total HT", "10,00 €", "62,50 €"} {
		if !strings.Contains(text, want) {
			t.Errorf("taxed invoice lacks %q:\n%s", want, text)
		}
	}
}

func mustRender(t *testing.T, d *Document) []byte {
	t.Helper()
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// Invoices whose text needs the UTF-8 font, rendered at once as the charge
// does, do not share the font's bytes (run with -race: fpdf writes into them).
func TestParallelUTF8Renders(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := sample(t, "fr", "Małgorzata Łukasiewicz")
			if _, err := Render(d); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// A member paying by direct debit reads when and from which account the
// invoice will be collected, under which mandate, and no transfer
// instructions: told to pay by transfer, they would pay twice.
func TestDirectDebitInvoiceSaysDebitedNotTransfer(t *testing.T) {
	for _, tc := range []struct {
		lang string
		day  date.Date
		want []string
		not  []string
	}{
		{"en", date.MustParse("2027-01-05"), []string{"€52.50 will be debited on 5 Jan 2027 from your account •••• 0189", "•••• 0189", "mandate RUM-ZOE-1",
			"creditor identifier FR72ZZZ123456", "Nothing to do"}, []string{"bank transfer", "Reference to quote", "FR76 3000"}},
		{"fr", date.Date{}, []string{"sera prélevé sur votre compte •••• 0189", "la date vous sera indiquée avant le",
			"mandat RUM-ZOE-1", "identifiant créancier FR72ZZZ123456"}, []string{"virement", "Référence à indiquer", "FR76 3000"}},
	} {
		d := sample(t, tc.lang, "Zoé Éluard")
		d.Debit = &Debit{IBAN: "•••• 0189", Mandate: "RUM-ZOE-1", CreditorID: "FR72ZZZ123456", Date: tc.day}
		pdf, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdftotext(t, pdf)), " ")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: PDF text lacks %q:\n%s", tc.lang, w, text)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(text, w) {
				t.Errorf("%s: PDF text has %q:\n%s", tc.lang, w, text)
			}
		}
	}
	// Without a mandate the transfer instructions stay.
	pdf, err := Render(sample(t, "en", "Zoé Éluard"))
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftotext(t, pdf); !strings.Contains(text, "by bank transfer") || strings.Contains(text, "debited") {
		t.Errorf("an invoice without mandate lost its transfer instructions:\n%s", text)
	}
}
