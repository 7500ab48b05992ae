// Package invoicepdf renders invoices and credit notes as PDF with
// go-pdf/fpdf.
//
// Two paths, same text: when every character of a document fits
// Windows-1252 (French, English, German… with é, ç, €, ß, œ), it is drawn
// with the PDF core font Helvetica, which every reader has, so nothing is
// embedded and a stored invoice weighs a few kilobytes; otherwise (ł, ő, Ş,
// Cyrillic…) the DejaVu Sans TrueType font is embedded as a UTF-8 subset,
// which costs about ten milliseconds (fpdf parses and subsets it for each
// document) and some twenty kilobytes more. Streams are compressed.
package invoicepdf

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"

	"coin/date"
	"coin/i18n"
	"coin/money"
)

//go:embed fonts/*.ttf fonts/*.json
var fonts embed.FS

var (
	regularTTF, _ = fonts.ReadFile("fonts/DejaVuSans.ttf")
	boldTTF, _    = fonts.ReadFile("fonts/DejaVuSans-Bold.ttf")
)

// dejavuWidths are the widths (1/1000 em) of the Windows-1252 characters in
// DejaVu Sans, regular and bold. The core font path wraps text with them,
// not with Helvetica's (narrower), so that every line breaks where it does
// with the embedded font: both paths print the same lines.
var dejavuWidths = sync.OnceValue(func() map[string][]int {
	out := map[string][]int{}
	for style, name := range map[string]string{"": "fonts/DejaVuSans.json", "B": "fonts/DejaVuSans-Bold.json"} {
		var def struct{ Cw []int }
		b, err := fonts.ReadFile(name)
		if err == nil {
			err = json.Unmarshal(b, &def)
		}
		if err != nil || len(def.Cw) != 256 {
			panic(fmt.Sprintf("invoicepdf: embedded widths %s: %v", name, err)) // a build without its fonts
		}
		out[style] = def.Cw
	}
	return out
})

// Issuer is the ISP as it appears on its invoices.
type Issuer struct {
	Name          string
	AddressLines  []string
	Email         string
	Phone         string
	Website       string
	IBAN          string
	BIC           string
	LegalMentions string
	Logo          []byte // PNG or JPEG; other formats are left out
	LogoType      string // "PNG" or "JPG"
}

// Line is one line of a document.
type Line struct {
	Label          string
	PeriodFrom     date.Date
	PeriodTo       date.Date
	Comment        string
	Quantity       int64
	UnitPriceCents int64
	TaxRateBP      int
	AmountCents    int64
}

// Document is everything printed on an invoice or a credit note.
type Document struct {
	CreditNote       bool
	Number           string
	CreditedNumber   string // the invoice a credit note corrects
	IssueDate        date.Date
	DueDate          date.Date
	Issuer           Issuer
	CustomerName     string
	CustomerLines    []string // postal address
	CustomerRef      string   // e.g. member login
	Lines            []Line
	TotalExclCents   int64
	TaxCents         int64
	TotalCents       int64
	VATMention       string
	PaymentReference string
	// Debit, for a member with an active SEPA mandate, replaces the
	// transfer instructions: the invoice will be collected.
	Debit  *Debit
	Footer string
	Locale *i18n.Locale
}

// Debit is how an invoice will be collected by SEPA direct debit.
type Debit struct {
	IBAN       string    // masked (iban.Mask): "•••• 0189"
	Mandate    string    // the mandate reference (RUM)
	CreditorID string    // the ISP's SEPA creditor identifier
	Date       date.Date // the collection date, zero while no file asked for it
}

// texts gathers every string printed, to choose the font path.
func (d *Document) texts() []string {
	t := []string{d.Number, d.CreditedNumber, d.Issuer.Name, d.Issuer.Email, d.Issuer.Phone,
		d.Issuer.Website, d.Issuer.IBAN, d.Issuer.BIC, d.Issuer.LegalMentions, d.CustomerName,
		d.CustomerRef, d.VATMention, d.PaymentReference, d.Footer, money.Symbol(d.Locale.Currency)}
	if d.Debit != nil {
		t = append(t, d.Debit.IBAN, d.Debit.Mandate, d.Debit.CreditorID)
	}
	t = append(t, d.Issuer.AddressLines...)
	t = append(t, d.CustomerLines...)
	for _, l := range d.Lines {
		t = append(t, l.Label, l.Comment)
	}
	return t
}

// toWindows1252 converts text for the core font, whose encoding is
// WinAnsi (Windows-1252). It is fpdf's cp1252 translator's job, done with
// x/text: fpdf's UnicodeTranslatorFromDescriptor re-reads its code page
// table each time it is built, which cost more than drawing the page.
func toWindows1252(s string) string {
	out, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		return s // cannot happen: the text was checked by fitsWindows1252
	}
	return out
}

// fitsWindows1252 tells whether every rune of ss has a Windows-1252 byte.
func fitsWindows1252(ss []string) bool {
	enc := charmap.Windows1252
	for _, s := range ss {
		for _, r := range s {
			if r < utf8.RuneSelf {
				continue
			}
			if _, ok := enc.EncodeRune(r); !ok {
				return false
			}
		}
	}
	return true
}

// Render draws the document and returns the PDF: with the core font when
// its text fits Windows-1252, else with the embedded UTF-8 font.
func Render(d *Document) ([]byte, error) {
	// The labels of the page are part of what must fit the encoding.
	return render(d, fitsWindows1252(append(d.texts(), labelTexts(d)...)))
}

// RenderEmbedded draws the document with the embedded UTF-8 font whatever
// its text: the reference the core-font path is compared with (tests check
// that both give the same text).
func RenderEmbedded(d *Document) ([]byte, error) { return render(d, false) }

func render(d *Document, fast bool) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetMargins(18, 16, 18)
	p.SetAutoPageBreak(true, 28)
	tr := func(s string) string { return s }
	family := "dejavu"
	if fast {
		family, tr = "helvetica", toWindows1252
	} else {
		// fpdf writes into the font's bytes while it subsets them: each
		// document gets its own copy, or invoices rendered in parallel (the
		// charge) corrupt each other's fonts.
		p.AddUTF8FontFromBytes("dejavu", "", bytes.Clone(regularTTF))
		p.AddUTF8FontFromBytes("dejavu", "B", bytes.Clone(boldTTF))
	}
	title := d.Locale.T("pdf.invoice")
	if d.CreditNote {
		title = d.Locale.T("pdf.credit_note")
	}
	p.SetTitle(tr(title+" "+d.Number), false)
	p.SetAuthor(tr(d.Issuer.Name), false)
	p.SetCreator("coin", false)
	// A fixed date keeps the PDF identical for the same content.
	p.SetCreationDate(d.IssueDate.Time())
	p.SetModificationDate(d.IssueDate.Time())
	r := &renderer{p: p, d: d, tr: tr, l: d.Locale, fast: fast, family: family, cols: cols}
	if d.withoutVAT() {
		r.cols = colsNoVAT
	}
	p.SetFooterFunc(r.footer)
	p.AddPage()
	r.header(title)
	r.table()
	r.totals()
	r.payment()
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("render %s: %w", d.Number, err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", d.Number, err)
	}
	return buf.Bytes(), nil
}

type renderer struct {
	p      *fpdf.Fpdf
	d      *Document
	tr     func(string) string
	l      *i18n.Locale
	fast   bool      // core font: text is Windows-1252 bytes
	family string    // the font family: core or embedded
	style  string    // the current font style, "" or "B"
	cols   []float64 // table column widths; a VAT column of 0 is not drawn
}

// split wraps translated text to a width as the embedded font does.
func (r *renderer) split(s string, w float64) []string {
	if !r.fast {
		return r.p.SplitText(s, w)
	}
	return r.wrap(s, w)
}

// wrap breaks Windows-1252 text into lines of at most w with DejaVu Sans's
// widths at the current size, as fpdf's SplitLines and MultiCell do: at
// the last space that fits, inside a word too long for a line, and at
// every newline.
func (r *renderer) wrap(s string, w float64) []string {
	cw := dejavuWidths()[r.style]
	_, size := r.p.GetFontSize()
	wmax := int(math.Ceil((w - 2*r.p.GetCellMargin()) * 1000 / size))
	s = strings.TrimRight(strings.ReplaceAll(s, "\r", ""), "\n")
	var out []string
	sep, i, j, l := -1, 0, 0, 0
	for i < len(s) {
		c := s[i]
		if c == '\n' {
			out = append(out, s[j:i])
			i++
			sep, j, l = -1, i, 0
			continue
		}
		if c == ' ' {
			sep = i
		}
		l += cw[c]
		if l > wmax {
			if sep == -1 {
				if i == j {
					i++
				}
				out = append(out, s[j:i])
			} else {
				out = append(out, s[j:sep])
				i = sep + 1
			}
			sep, j, l = -1, i, 0
			continue
		}
		i++
	}
	if i != j {
		out = append(out, s[j:])
	}
	return out
}

// multiCell draws translated text wrapped to w, one cell of height h per
// line, like fpdf's MultiCell; the core font path wraps as the embedded
// font does (wrap).
func (r *renderer) multiCell(w, h float64, s, align string, fill bool) {
	if !r.fast {
		r.p.MultiCell(w, h, s, "", align, fill)
		return
	}
	x := r.p.GetX()
	for _, line := range r.wrap(s, w) {
		r.p.SetX(x)
		r.p.CellFormat(w, h, line, "", 2, align, fill, 0, "")
	}
	lm, _, _, _ := r.p.GetMargins()
	r.p.SetX(lm)
}

var labelIDs = []string{"pdf.invoice", "pdf.credit_note", "pdf.number", "pdf.issue_date", "pdf.due_date",
	"pdf.corrects", "pdf.customer", "pdf.description", "pdf.quantity", "pdf.unit_price", "pdf.vat",
	"pdf.amount", "pdf.customer_ref", "pdf.total_excl", "pdf.total_vat", "pdf.total", "pdf.period", "pdf.pay_by_transfer",
	"pdf.reference", "pdf.debit_on", "pdf.debit_date_later", "pdf.debit_mandate", "pdf.page", "pdf.credit_total"}

func labelTexts(d *Document) []string {
	out := make([]string, 0, len(labelIDs))
	for _, id := range labelIDs {
		out = append(out, d.Locale.T(id))
	}
	return out
}

func (r *renderer) text(s string) string { return r.tr(s) }

func (r *renderer) font(style string, size float64) {
	r.style = style
	r.p.SetFont(r.family, style, size)
}

func (r *renderer) header(title string) {
	p, d := r.p, r.d
	y := 16.0
	x := 18.0
	if d.Issuer.LogoType == "PNG" || d.Issuer.LogoType == "JPG" {
		opt := fpdf.ImageOptions{ImageType: d.Issuer.LogoType, ReadDpi: false}
		p.RegisterImageOptionsReader("logo", opt, bytes.NewReader(d.Issuer.Logo))
		if p.Ok() {
			p.ImageOptions("logo", x, y, 0, 18, false, opt, 0, "")
			x += 24
		} else {
			p.ClearError() // an unreadable logo is left out rather than failing the invoice
		}
	}
	p.SetXY(x, y)
	r.font("B", 13)
	p.CellFormat(90, 6, r.text(d.Issuer.Name), "", 2, "L", false, 0, "")
	r.font("", 8.5)
	for _, line := range append(append([]string{}, d.Issuer.AddressLines...), d.Issuer.Email, d.Issuer.Phone, d.Issuer.Website) {
		if line != "" {
			p.CellFormat(90, 4, r.text(line), "", 2, "L", false, 0, "")
		}
	}
	// Title and references, right.
	p.SetXY(118, 16)
	r.font("B", 18)
	p.CellFormat(74, 9, r.text(title), "", 2, "R", false, 0, "")
	r.font("", 9.5)
	r.kv(r.l.T("pdf.number"), d.Number, true)
	r.kv(r.l.T("pdf.issue_date"), r.l.Date(d.IssueDate), false)
	if !d.CreditNote && !d.DueDate.IsZero() {
		r.kv(r.l.T("pdf.due_date"), r.l.Date(d.DueDate), false)
	}
	if d.CreditedNumber != "" {
		r.kv(r.l.T("pdf.corrects"), d.CreditedNumber, false)
	}
	// Customer box.
	top := max(p.GetY()+6, 52)
	p.SetXY(112, top)
	r.font("", 8)
	p.SetTextColor(110, 110, 110)
	p.CellFormat(80, 4, r.text(r.l.T("pdf.customer")), "", 2, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	r.font("B", 10.5)
	p.CellFormat(80, 5.5, r.text(d.CustomerName), "", 2, "L", false, 0, "")
	r.font("", 9.5)
	for _, line := range d.CustomerLines {
		if line != "" {
			p.CellFormat(80, 4.8, r.text(line), "", 2, "L", false, 0, "")
		}
	}
	if d.CustomerRef != "" {
		r.font("", 8)
		p.CellFormat(80, 4.5, r.text(r.l.Tf("pdf.customer_ref", map[string]any{"Ref": d.CustomerRef})), "", 2, "L", false, 0, "")
	}
	p.SetY(max(p.GetY()+10, 90))
}

func (r *renderer) kv(k, v string, bold bool) {
	p := r.p
	x := p.GetX()
	r.font("", 9)
	p.CellFormat(40, 5, r.text(k), "", 0, "R", false, 0, "")
	if bold {
		r.font("B", 9.5)
	}
	p.CellFormat(34, 5, r.text(v), "", 2, "R", false, 0, "")
	p.SetX(x)
}

// Column widths: description, quantity, unit price, VAT, amount (174 mm).
// Without VAT the description takes the VAT column's width.
var (
	cols      = []float64{92, 14, 25, 16, 27}
	colsNoVAT = []float64{108, 14, 25, 0, 27}
)

// withoutVAT tells whether the document charges no VAT at all (an
// association exempted by article 293 B): it then has no VAT column nor
// VAT total, its mention says why.
func (d *Document) withoutVAT() bool {
	if d.TaxCents != 0 {
		return false
	}
	for _, l := range d.Lines {
		if l.TaxRateBP != 0 {
			return false
		}
	}
	return true
}

func (r *renderer) tableHead() {
	p := r.p
	r.font("B", 8.5)
	p.SetFillColor(235, 238, 242)
	heads := []string{r.l.T("pdf.description"), r.l.T("pdf.quantity"), r.l.T("pdf.unit_price"), r.l.T("pdf.vat"), r.l.T("pdf.amount")}
	aligns := []string{"L", "R", "R", "R", "R"}
	for i, h := range heads {
		if r.cols[i] > 0 {
			p.CellFormat(r.cols[i], 7, r.text(h), "B", 0, aligns[i], true, 0, "")
		}
	}
	p.Ln(-1)
}

func (r *renderer) table() {
	p, d := r.p, r.d
	r.tableHead()
	for _, l := range d.Lines {
		label := r.text(l.Label)
		detail := ""
		if !l.PeriodFrom.IsZero() {
			detail = r.l.Tf("pdf.period", map[string]any{"From": r.l.Date(l.PeriodFrom), "To": r.l.Date(l.PeriodTo)})
		}
		if l.Comment != "" {
			if detail != "" {
				detail += " · "
			}
			detail += l.Comment
		}
		r.font("", 9.5)
		labelLines := r.split(label, r.cols[0]-2)
		r.font("", 7.5)
		detailLines := []string{}
		if detail != "" {
			detailLines = r.split(r.text(detail), r.cols[0]-2)
		}
		h := float64(len(labelLines))*4.6 + float64(len(detailLines))*3.6 + 2.6
		if p.GetY()+h > 297-30 {
			p.AddPage()
			r.tableHead()
		}
		y := p.GetY()
		x := p.GetX()
		p.SetXY(x+1, y+1.2)
		r.font("", 9.5)
		for _, s := range labelLines {
			p.CellFormat(r.cols[0]-2, 4.6, s, "", 2, "L", false, 0, "")
		}
		r.font("", 7.5)
		p.SetTextColor(90, 90, 90)
		for _, s := range detailLines {
			p.CellFormat(r.cols[0]-2, 3.6, s, "", 2, "L", false, 0, "")
		}
		p.SetTextColor(0, 0, 0)
		r.font("", 9.5)
		p.SetXY(x+r.cols[0], y+1.2)
		p.CellFormat(r.cols[1], 4.6, fmt.Sprint(l.Quantity), "", 0, "R", false, 0, "")
		p.CellFormat(r.cols[2], 4.6, r.text(r.l.Money(l.UnitPriceCents)), "", 0, "R", false, 0, "")
		if r.cols[3] > 0 {
			p.CellFormat(r.cols[3], 4.6, r.text(r.l.Percent(l.TaxRateBP)), "", 0, "R", false, 0, "")
		}
		p.CellFormat(r.cols[4], 4.6, r.text(r.l.Money(l.AmountCents)), "", 0, "R", false, 0, "")
		p.SetXY(x, y+h)
		p.SetDrawColor(220, 220, 220)
		p.Line(x, y+h, x+174, y+h)
		p.SetDrawColor(0, 0, 0)
	}
}

func (r *renderer) totals() {
	p, d := r.p, r.d
	if p.GetY() > 297-70 {
		p.AddPage()
	}
	p.Ln(4)
	row := func(label string, cents int64, bold bool) {
		p.SetX(18 + 174 - 80)
		style := ""
		if bold {
			style = "B"
		}
		r.font(style, 10)
		p.CellFormat(50, 6, r.text(label), "", 0, "R", false, 0, "")
		p.CellFormat(30, 6, r.text(r.l.Money(cents)), "", 1, "R", false, 0, "")
	}
	if !d.withoutVAT() {
		row(r.l.T("pdf.total_excl"), d.TotalExclCents, false)
		row(r.l.T("pdf.total_vat"), d.TaxCents, false)
	}
	total := r.l.T("pdf.total")
	if d.CreditNote {
		total = r.l.T("pdf.credit_total")
	}
	p.SetDrawColor(0, 0, 0)
	p.Line(18+174-80, p.GetY()+0.5, 18+174, p.GetY()+0.5)
	p.Ln(1)
	row(total, d.TotalCents, true)
	if d.VATMention != "" {
		p.Ln(2)
		r.font("", 8.5)
		r.multiCell(174, 4.2, r.text(d.VATMention), "R", false)
	}
}

func (r *renderer) payment() {
	p, d := r.p, r.d
	if d.CreditNote || (d.Issuer.IBAN == "" && d.Debit == nil) {
		return
	}
	if p.GetY() > 297-55 {
		p.AddPage()
	}
	p.Ln(6)
	p.SetFillColor(245, 247, 250)
	r.font("", 9.5)
	if db := d.Debit; db != nil {
		data := map[string]any{"Amount": r.l.Money(d.TotalCents), "IBAN": db.IBAN, "Mandate": db.Mandate,
			"CreditorID": db.CreditorID}
		var msg string
		if db.Date.IsZero() {
			msg = r.l.Tf("pdf.debit_date_later", data)
		} else {
			data["Date"] = r.l.Date(db.Date)
			msg = r.l.Tf("pdf.debit_on", data)
		}
		msg += "\n" + r.l.Tf("pdf.debit_mandate", data)
		r.multiCell(174, 5.2, r.text(msg), "L", true)
		return
	}
	msg := r.l.Tf("pdf.pay_by_transfer", map[string]any{"Amount": r.l.Money(d.TotalCents),
		"DueDate": r.l.Date(d.DueDate), "IBAN": d.Issuer.IBAN, "BIC": d.Issuer.BIC})
	if d.PaymentReference != "" {
		msg += "\n" + r.l.Tf("pdf.reference", map[string]any{"Reference": d.PaymentReference})
	}
	r.multiCell(174, 5.2, r.text(msg), "L", true)
}

func (r *renderer) footer() {
	p, d := r.p, r.d
	p.SetY(-26)
	r.font("", 7.2)
	p.SetTextColor(100, 100, 100)
	// The footer template (overridable) says what goes there: by default
	// the address, bank account and legal mentions.
	if f := strings.TrimSpace(d.Footer); f != "" {
		r.multiCell(174, 3.4, r.text(f), "C", false)
	}
	p.SetY(-10)
	p.CellFormat(174, 4, r.text(r.l.Tf("pdf.page", map[string]any{"Page": p.PageNo(), "Number": d.Number})), "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// UTF8Fonts returns copies of the DejaVu Sans TrueType files (regular,
// bold), for the other PDFs coin writes (the register of members).
func UTF8Fonts() (regular, bold []byte) { return bytes.Clone(regularTTF), bytes.Clone(boldTTF) }
