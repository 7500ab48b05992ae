package demo

import (
	"bytes"
	"coin/pdftest"
	"context"
	"io"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/invoicepdf"
	"coin/ispdb"
	"coin/model"
	"coin/overrides"
	"coin/store"
	"coin/store/storetest"
)

// loadDemoInvoices loads the demo with its invoices, drawn as serve --demo
// draws them: the demo ISP record and the built-in footer template.
func loadDemoInvoices(t *testing.T, s *store.Store) (Services, []*store.Invoice) {
	t.Helper()
	ctx := context.Background()
	sv := services(t, s)
	schema, err := ispdb.NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sv.Billing.Identity = ispdb.NewService(s, schema, time.UTC, func(string) string { return "" }, log).Identity
	sv.Billing.Templates = overrides.New("", log)
	if err := Load(ctx, s, time.UTC); err != nil {
		t.Fatal(err)
	}
	if err := LoadBilling(ctx, s, sv.Billing, date.Today(time.UTC)); err != nil {
		t.Fatal(err)
	}
	invs, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Status: model.InvoiceValidated, Limit: 1000})
	if err != nil || len(invs) < 40 {
		t.Fatalf("%d demo invoices: %v", len(invs), err)
	}
	return sv, invs
}

// The demo's invoices (about fifty members, three months) weigh at most
// 8 KB each in the median, as stored.
func TestDemoInvoicesWeighLittle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, invs := loadDemoInvoices(t, s)
		var sizes []int
		for _, inv := range invs {
			pdf, err := s.InvoicePDF(context.Background(), inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(pdf))
		}
		slices.Sort(sizes)
		median := sizes[len(sizes)/2]
		t.Logf("%d invoices: median %d bytes, min %d, max %d", len(sizes), median, sizes[0], sizes[len(sizes)-1])
		if median > 8<<10 {
			t.Errorf("median stored invoice: %d bytes, want at most 8 KiB", median)
		}
	})
}

// Each demo invoice, stored with the core font, reads (pdftotext) line for
// line as the same document drawn with the embedded font, the way every
// invoice was drawn before.
func TestDemoInvoicesReadAsWithTheEmbeddedFont(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sv, invs := loadDemoInvoices(t, s)
		for _, inv := range invs {
			stored, err := s.InvoicePDF(ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(stored, []byte("/FontFile2")) {
				t.Errorf("%s embeds a font", inv.Number)
			}
			doc, err := sv.Billing.Document(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			embedded, err := invoicepdf.RenderEmbedded(doc)
			if err != nil {
				t.Fatal(err)
			}
			got, want := textLines(t, stored), textLines(t, embedded)
			if got != want {
				t.Fatalf("%s as stored:\n%s\n\nwith the embedded font:\n%s", inv.Number, got, want)
			}
			if !strings.Contains(got, inv.Number) {
				t.Fatalf("%s: its number is not in its text:\n%s", inv.Number, got)
			}
		}
	})
}

// textLines is pdftotext's layout text with each line's runs of spaces
// (which follow the font's widths) made one, and blank lines left out.
func textLines(t *testing.T, pdf []byte) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(pdftest.Text(t, pdf), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
