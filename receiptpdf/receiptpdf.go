// Package receiptpdf draws receipts (for a membership fee, a paid invoice,
// a tax receipt) as PDF with go-pdf/fpdf. It prints what it is given,
// already in the reader's language: a title, the issuer, the payer, rows
// of facts and paragraphs. Text that fits Windows-1252 is drawn with the
// core font Helvetica (nothing embedded); other text embeds DejaVu Sans.
package receiptpdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"

	"coin/invoicepdf"
)

// Document is one receipt.
type Document struct {
	Title      string   // "Reçu de cotisation n° R-2026-0001"
	Subtitle   string   // e.g. the cerfa reference of a tax receipt
	Issuer     []string // name first, then address and identifiers
	IssuerHead string   // the heading over the issuer ("Bénéficiaire des versements")
	Payer      []string // name first, then address
	PayerHead  string
	Rows       [][2]string // label, value
	Paragraphs []string
	Place      string // "Lyon, le 3 décembre 2026"
	Signature  string // who signs, under the place
	Footer     string
}

func (d *Document) texts() []string {
	out := []string{d.Title, d.Subtitle, d.IssuerHead, d.PayerHead, d.Place, d.Signature, d.Footer}
	out = append(out, d.Issuer...)
	out = append(out, d.Payer...)
	for _, r := range d.Rows {
		out = append(out, r[0], r[1])
	}
	return append(out, d.Paragraphs...)
}

// Render draws the document.
func Render(d *Document) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	family, tr := "Helvetica", func(s string) string { return s }
	if fits(d.texts()) {
		enc := charmap.Windows1252.NewEncoder()
		tr = func(s string) string {
			out, err := enc.String(s)
			if err != nil {
				return s
			}
			return out
		}
	} else {
		regular, bold := invoicepdf.UTF8Fonts()
		pdf.AddUTF8FontFromBytes("dejavu", "", regular)
		pdf.AddUTF8FontFromBytes("dejavu", "B", bold)
		family = "dejavu"
	}
	pdf.AddPage()
	font := func(style string, size float64) { pdf.SetFont(family, style, size) }
	lines := func(head string, ls []string, x, w float64) {
		y := pdf.GetY()
		if head != "" {
			pdf.SetXY(x, y)
			font("B", 9)
			pdf.MultiCell(w, 5, tr(head), "", "L", false)
		}
		for i, l := range ls {
			pdf.SetX(x)
			if i == 0 {
				font("B", 10)
			} else {
				font("", 10)
			}
			pdf.MultiCell(w, 5, tr(l), "", "L", false)
		}
	}
	top := pdf.GetY()
	lines(d.IssuerHead, d.Issuer, 20, 85)
	afterIssuer := pdf.GetY()
	pdf.SetY(top)
	lines(d.PayerHead, d.Payer, 115, 75)
	pdf.SetY(max(afterIssuer, pdf.GetY()) + 10)

	font("B", 15)
	pdf.MultiCell(0, 8, tr(d.Title), "", "L", false)
	if d.Subtitle != "" {
		font("", 9)
		pdf.MultiCell(0, 5, tr(d.Subtitle), "", "L", false)
	}
	pdf.Ln(4)
	for _, r := range d.Rows {
		font("B", 10)
		y := pdf.GetY()
		pdf.MultiCell(60, 6, tr(r[0]), "", "L", false)
		end := pdf.GetY()
		pdf.SetXY(80, y)
		font("", 10)
		pdf.MultiCell(0, 6, tr(r[1]), "", "L", false)
		pdf.SetY(max(end, pdf.GetY()))
	}
	pdf.Ln(4)
	font("", 10)
	for _, p := range d.Paragraphs {
		pdf.MultiCell(0, 5, tr(p), "", "L", false)
		pdf.Ln(2)
	}
	if d.Place != "" || d.Signature != "" {
		pdf.Ln(6)
		pdf.SetX(115)
		pdf.MultiCell(75, 5, tr(strings.TrimSpace(d.Place+"\n"+d.Signature)), "", "L", false)
	}
	if d.Footer != "" {
		pdf.SetY(-30)
		font("", 8)
		pdf.MultiCell(0, 4, tr(d.Footer), "", "C", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("draw receipt: %w", err)
	}
	return buf.Bytes(), nil
}

func fits(ss []string) bool {
	enc := charmap.Windows1252.NewEncoder()
	for _, s := range ss {
		if _, err := enc.String(s); err != nil {
			return false
		}
	}
	return true
}
