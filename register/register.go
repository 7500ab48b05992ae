// Package register writes the register of members for the general
// assembly: each member's name, membership dates and whether they paid the
// fee of the year, as CSV and PDF.
package register

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"

	"coin/csvsafe"
	"coin/date"
	"coin/i18n"
	"coin/invoicepdf"
	"coin/model"
	"coin/store"
)

// Row is a member in the register.
type Row struct {
	Member    *store.Member
	PaidUntil date.Date // end of the latest fee covering a day of the year; zero: not paid
}

// Paid tells whether the member paid a fee covering part of the year.
func (r Row) Paid() bool { return !r.PaidUntil.IsZero() }

// Rows reads the register of year: members whose status is member (every
// account but the anonymised ones when all), by name, a page at a time.
func Rows(ctx context.Context, st *store.Store, year int, all bool) ([]Row, error) {
	from := date.New(year, 1, 1)
	to := date.New(year, 12, 31)
	f := store.MemberFilter{Status: model.StatusMember, Limit: 500}
	if all {
		f.Status = ""
	}
	var out []Row
	for {
		members, total, err := st.ListMembers(ctx, f)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(members))
		for _, m := range members {
			ids = append(ids, m.ID)
		}
		ends, err := st.FeeEndsWithin(ctx, ids, from, to)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.Email == "" && m.Login == store.AnonymisedLogin(m.ID) {
				continue
			}
			out = append(out, Row{Member: m, PaidUntil: ends[m.ID]})
		}
		f.Offset += f.Limit
		if f.Offset >= total || len(members) == 0 {
			return out, nil
		}
	}
}

func feeText(l *i18n.Locale, r Row) string {
	if r.Paid() {
		return l.T("register.fee.paid")
	}
	return l.T("register.fee.unpaid")
}

// header is the columns' titles in the reader's language.
func header(l *i18n.Locale, year int) []string {
	return []string{l.T("register.col_name"), l.T("register.col_login"), l.T("register.col_joined"),
		l.T("register.col_resigned"), l.T("register.col_status"),
		l.Tf("register.col_fee", map[string]any{"Year": year}), l.T("register.col_paid_until")}
}

// WriteCSV writes the register as CSV, titles and values in the reader's
// language, dates as ISO days.
func WriteCSV(w io.Writer, l *i18n.Locale, year int, rows []Row) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(header(l, year)); err != nil {
		return err
	}
	for _, r := range rows {
		m := r.Member
		if err := cw.Write([]string{m.DisplayName(), m.Login, m.DateJoined.String(), m.ResignDate.String(),
			l.T("status." + m.Status), feeText(l, r), r.PaidUntil.String()}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// PDF renders the register on A4 pages, with the association's name,
// the year, the day it was made and page numbers.
func PDF(l *i18n.Locale, isp string, year int, today date.Date, rows []Row) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	regular, bold := invoicepdf.UTF8Fonts()
	p.AddUTF8FontFromBytes("dejavu", "", regular)
	p.AddUTF8FontFromBytes("dejavu", "B", bold)
	p.SetMargins(12, 14, 12)
	p.SetAutoPageBreak(true, 16)
	p.SetTitle(l.Tf("register.pdf_title", map[string]any{"Year": year}), true)
	p.SetCreator("coin", true)
	widths := []float64{52, 26, 20, 20, 24, 22, 22}
	titles := header(l, year)
	tableHead := func() {
		p.SetFont("dejavu", "B", 7)
		p.SetFillColor(230, 230, 230)
		for i, t := range titles {
			p.CellFormat(widths[i], 6, t, "1", 0, "L", true, 0, "")
		}
		p.Ln(-1)
		p.SetFont("dejavu", "", 8)
	}
	p.SetHeaderFunc(func() {
		p.SetFont("dejavu", "B", 12)
		p.CellFormat(0, 7, isp, "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 10)
		p.CellFormat(0, 6, l.Tf("register.pdf_title", map[string]any{"Year": year}), "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 8)
		p.CellFormat(0, 5, l.Tf("register.pdf_made", map[string]any{"Date": l.Date(today), "Count": len(rows)}), "", 1, "L", false, 0, "")
		p.Ln(2)
		tableHead()
	})
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont("dejavu", "", 7)
		p.CellFormat(0, 5, l.Tf("register.pdf_page", map[string]any{"Page": strconv.Itoa(p.PageNo())}), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	for _, r := range rows {
		m := r.Member
		cells := []string{fit(p, m.DisplayName(), widths[0]), fit(p, m.Login, widths[1]), l.Date(m.DateJoined),
			l.Date(m.ResignDate), l.T("status." + m.Status), feeText(l, r), l.Date(r.PaidUntil)}
		for i, c := range cells {
			p.CellFormat(widths[i], 5.5, c, "1", 0, "L", false, 0, "")
		}
		p.Ln(-1)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("register pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// fit shortens s with an ellipsis to the width of a cell.
func fit(p *fpdf.Fpdf, s string, w float64) string {
	if p.GetStringWidth(s) <= w-2 {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && p.GetStringWidth(string(r)+"…") > w-2 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
