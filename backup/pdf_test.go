package backup_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coin/backup"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// A backup holds the invoice PDFs byte for byte (they are in their own
// table, copied by VACUUM INTO), and its check reads each one against its
// recorded sha256: a PDF changed behind coin's back fails the check.
func TestBackupKeepsInvoicePDFsAndChecksThem(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	m := &store.Member{Login: "anna", Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: "Anna",
		LastName: "X", Email: "anna@example.org", Status: model.StatusMember}
	if err := st.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
	if err := st.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: 500, AmountCents: 500}}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.3\n\x00\xff the document of record")
	inv.Number, inv.IssueDate, inv.DueDate = "2026-000001", date.MustParse("2026-12-01"), date.MustParse("2026-12-31")
	if err := st.ValidateInvoice(ctx, inv, pdf); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Write(ctx, st, archive, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Verify(ctx, archive); err != nil {
		t.Fatalf("a sound archive: %v", err)
	}
	target := filepath.Join(t.TempDir(), "coin.db")
	if _, _, err := backup.Restore(ctx, archive, backup.Target{Database: target}); err != nil {
		t.Fatal(err)
	}
	got, err := open(t, target).InvoicePDF(ctx, inv.ID)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("restored PDF %q, want %q (%v)", got, pdf, err)
	}
	// Forge the PDF (the triggers forbid it: go around them).
	for _, q := range []string{`DROP TRIGGER invoice_pdfs_no_update`, `UPDATE invoice_pdfs SET pdf = 'forged', size = 6`} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	forged := filepath.Join(t.TempDir(), "forged.tar.gz")
	if _, err := backup.Write(ctx, st, forged, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Verify(ctx, forged); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("an archive with a forged PDF: %v", err)
	}
}
