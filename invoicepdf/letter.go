package invoicepdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"

	"coin/date"
)

// Letter is a reminder letter (relance): who writes, to whom, the open
// invoices and how to pay them. Texts come translated by the caller.
type Letter struct {
	From     []string // the ISP's name and address lines
	To       []string // the member's name and address lines
	Place    string   // "Paris, 3 December 2026"
	Day      date.Date
	Title    string
	Body     []string    // paragraphs
	Head     [4]string   // column titles: number, due date, total, left to pay
	Rows     [][4]string // one per open invoice
	Total    string      // "Total due: 120,00 €"
	HowToPay []string    // paragraphs
	Closing  []string    // paragraphs and signature
}

// RenderLetter draws a letter on A4 with the fonts and margins of the
// invoices.
func RenderLetter(l *Letter) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetMargins(18, 16, 18)
	p.SetAutoPageBreak(true, 20)
	p.AddUTF8FontFromBytes("dejavu", "", bytes.Clone(regularTTF))
	p.AddUTF8FontFromBytes("dejavu", "B", bytes.Clone(boldTTF))
	p.SetTitle(l.Title, true)
	p.SetCreator("coin", false)
	p.SetCreationDate(l.Day.Time())
	p.SetModificationDate(l.Day.Time())
	p.AddPage()
	p.SetFont("dejavu", "B", 11)
	for i, s := range l.From {
		if i == 1 {
			p.SetFont("dejavu", "", 9)
		}
		p.CellFormat(0, 5, s, "", 1, "L", false, 0, "")
	}
	p.Ln(8)
	p.SetFont("dejavu", "", 10)
	for _, s := range l.To {
		p.SetX(110)
		p.CellFormat(0, 5, s, "", 1, "L", false, 0, "")
	}
	p.Ln(6)
	p.CellFormat(0, 5, l.Place, "", 1, "R", false, 0, "")
	p.Ln(6)
	p.SetFont("dejavu", "B", 12)
	p.MultiCell(0, 6, l.Title, "", "L", false)
	p.Ln(3)
	p.SetFont("dejavu", "", 10)
	para := func(list []string) {
		for _, s := range list {
			p.MultiCell(0, 5, strings.TrimSpace(s), "", "L", false)
			p.Ln(2)
		}
	}
	para(l.Body)
	widths := []float64{55, 40, 38, 41}
	p.SetFont("dejavu", "B", 9)
	p.SetFillColor(235, 235, 235)
	for i, h := range l.Head {
		align := "L"
		if i >= 2 {
			align = "R"
		}
		p.CellFormat(widths[i], 7, h, "B", 0, align, true, 0, "")
	}
	p.Ln(-1)
	p.SetFont("dejavu", "", 9)
	for _, r := range l.Rows {
		for i, c := range r {
			align := "L"
			if i >= 2 {
				align = "R"
			}
			p.CellFormat(widths[i], 6, c, "", 0, align, false, 0, "")
		}
		p.Ln(-1)
	}
	p.SetFont("dejavu", "B", 10)
	p.CellFormat(0, 8, l.Total, "T", 1, "R", false, 0, "")
	p.Ln(3)
	p.SetFont("dejavu", "", 10)
	para(l.HowToPay)
	p.Ln(2)
	para(l.Closing)
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("render letter: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("render letter: %w", err)
	}
	return buf.Bytes(), nil
}
