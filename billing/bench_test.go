package billing

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"coin/date"
	"coin/store"
)

// seed creates n members with one monthly subscription each.
func seed(b *testing.B, s *store.Store, n int) {
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *store.Store) error {
		o := &store.Offer{Name: "VPN mensuel", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}
		if err := tx.CreateOffer(ctx, o); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			m := &store.Member{Login: fmt.Sprintf("m%05d", i), Role: "member", PersonType: "natural", FirstName: "Zoé",
				LastName: fmt.Sprintf("Éluard %d", i), Email: "m@example.org", Status: "member",
				Address: "12 rue de la République", PostalCode: "69002", City: "Lyon"}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			if err := tx.CreateSubscription(ctx, &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2026-11-01")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// bareFpdf draws a page with the same content as an invoice with fpdf's
// defaults (core Helvetica, compression): the baseline.
func bareFpdf(name, number string) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	tr := p.UnicodeTranslatorFromDescriptor("cp1252")
	p.AddPage()
	p.SetFont("Helvetica", "B", 13)
	p.Cell(90, 6, tr("Rézo"))
	p.Ln(8)
	p.SetFont("Helvetica", "", 9.5)
	p.Cell(90, 6, tr(name+" "+number))
	p.Ln(8)
	p.CellFormat(92, 5, tr("VPN mensuel du 01/11/2026 au 30/11/2026"), "", 0, "L", false, 0, "")
	p.CellFormat(82, 5, tr("5,00 €"), "", 1, "R", false, 0, "")
	var buf bytes.Buffer
	p.Output(&buf)
	return buf.Bytes()
}

// BenchmarkCharge10k charges 10 000 subscriptions with their PDFs on
// SQLite, and renders the same 10 000 pages with bare fpdf in the same
// process: the reported ratio is charge time / bare rendering time.
func BenchmarkCharge10k(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := store.Open(context.Background(), "sqlite", filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		seed(b, s, n)
		f := newFixture(b, s, nil)
		s.SetHooks(store.Hooks{}) // no log file: the rendering is measured
		bareStart := time.Now()
		for j := 0; j < n; j++ {
			bareFpdf("Zoé Éluard", fmt.Sprintf("2026-%06d", j))
		}
		bare := time.Since(bareStart)
		b.StartTimer()
		start := time.Now()
		sum, err := f.svc.Charge(context.Background(), date.MustParse("2026-11-01"), false, nil)
		took := time.Since(start)
		b.StopTimer()
		if err != nil || sum.Invoices != n {
			b.Fatalf("%+v %v", sum, err)
		}
		b.ReportMetric(took.Seconds(), "s/10k-charge")
		b.ReportMetric(bare.Seconds(), "s/10k-bare-fpdf")
		b.ReportMetric(took.Seconds()/bare.Seconds(), "ratio")
		s.Close()
		b.StartTimer()
	}
}
