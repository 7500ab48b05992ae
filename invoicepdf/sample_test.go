package invoicepdf

import (
	"os"
	"testing"
)

// TestWriteSample writes sample PDFs to COIN_PDF_SAMPLES for a person to look at.
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("COIN_PDF_SAMPLES")
	if dir == "" {
		t.Skip("set COIN_PDF_SAMPLES=DIR to write sample PDFs")
	}
	for name, d := range map[string]*Document{"fr": sample(t, "fr", "Zoé Straße-Éluard"), "en-utf8": sample(t, "en", "Małgorzata Łukasiewicz")} {
		pdf, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/invoice-"+name+".pdf", pdf, 0o644)
	}
}
