package config

import (
	"errors"
	"fmt"
	"strings"

	"coin/date"
	"coin/money"
	"coin/numbering"
)

// Billing holds invoicing and payment rules.
type Billing struct {
	Currency                      string    `toml:"currency" env:"CURRENCY"`
	PaymentDelay                  int       `toml:"payment_delay" env:"PAYMENT_DELAY"`
	HandleBalance                 bool      `toml:"handle_balance" env:"HANDLE_BALANCE"`
	InvoicesIncludeConfigComments bool      `toml:"invoices_include_config_comments" env:"INVOICES_INCLUDE_CONFIG_COMMENTS"`
	InvoiceNumberFormat           string    `toml:"invoice_number_format" env:"INVOICE_NUMBER_FORMAT"`
	CreditNoteNumberFormat        string    `toml:"credit_note_number_format" env:"CREDIT_NOTE_NUMBER_FORMAT"`
	DefaultTaxRate                string    `toml:"default_tax_rate" env:"DEFAULT_TAX_RATE"`
	VATMention                    string    `toml:"vat_mention" env:"VAT_MENTION"`
	AccountingLog                 string    `toml:"accounting_log" env:"ACCOUNTING_LOG"`
	ChargeFrom                    date.Date `toml:"charge_from" env:"CHARGE_FROM"`
}

// TaxRateBP returns default_tax_rate in basis points (validated by Load).
func (b *Billing) TaxRateBP() int {
	bp, _ := parsePercent(b.DefaultTaxRate)
	return bp
}

// parsePercent reads "20", "5.5" or "5,5" (percent) as basis points.
func parsePercent(s string) (int, error) {
	c, err := money.Parse(s)
	if err != nil || c < 0 || c > 10000 {
		return 0, fmt.Errorf("%q is not a percentage between 0 and 100", s)
	}
	return int(c), nil
}

func (b *Billing) validate() error {
	if len(b.Currency) != 3 || strings.ToUpper(b.Currency) != b.Currency {
		return fmt.Errorf("billing.currency: %q is not an ISO 4217 code such as EUR", b.Currency)
	}
	if b.PaymentDelay < 0 || b.PaymentDelay > 365 {
		return fmt.Errorf("billing.payment_delay: %d days is out of 0..365", b.PaymentDelay)
	}
	if err := numbering.Check(b.InvoiceNumberFormat); err != nil {
		return fmt.Errorf("billing.invoice_number_format: %q %v", b.InvoiceNumberFormat, err)
	}
	if err := numbering.Check(b.CreditNoteNumberFormat); err != nil {
		return fmt.Errorf("billing.credit_note_number_format: %q %v", b.CreditNoteNumberFormat, err)
	}
	if numbering.Clash(b.InvoiceNumberFormat, b.CreditNoteNumberFormat) {
		return errors.New("billing.credit_note_number_format: must differ from invoice_number_format (e.g. AV-YYYY-NNNNNN)")
	}
	if _, err := parsePercent(b.DefaultTaxRate); err != nil {
		return fmt.Errorf("billing.default_tax_rate: %v", err)
	}
	return nil
}
