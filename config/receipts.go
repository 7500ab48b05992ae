package config

import "fmt"

// Receipts holds the settings of the receipts members download.
type Receipts struct {
	// TaxReceipts makes a membership fee also give a tax receipt (reçu
	// fiscal, cerfa 11580): only for an association of general interest,
	// whose fees open the right to the tax reduction. Off by default.
	TaxReceipts bool `toml:"tax_receipts" env:"TAX_RECEIPTS"`
	// TaxArticle is the article of the Code général des impôts the receipt
	// certifies: "200" (individuals), "238 bis" (companies) or "978".
	TaxArticle string `toml:"tax_article" env:"TAX_ARTICLE"`
	// Object is the association's object, printed on the tax receipt.
	Object string `toml:"object" env:"OBJECT"`
	// Signatory is who signs receipts (name and role), Place where.
	Signatory string `toml:"signatory" env:"SIGNATORY"`
	Place     string `toml:"place" env:"PLACE"`
}

func (r *Receipts) validate() error {
	if r.TaxArticle == "" {
		r.TaxArticle = "200"
	}
	switch r.TaxArticle {
	case "200", "238 bis", "978":
	default:
		return fmt.Errorf("receipts.tax_article: %q is not 200, 238 bis or 978", r.TaxArticle)
	}
	if r.TaxReceipts && r.Object == "" {
		return fmt.Errorf("receipts.object: a tax receipt prints the association's object; set it or turn tax_receipts off")
	}
	return nil
}
