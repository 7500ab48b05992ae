package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Bank holds the bank statement import: the size limit and the CSV
// profiles of the banks the ISP uses (CAMT.053 XML needs none).
type Bank struct {
	// MaxFileSize is the largest statement accepted, in bytes.
	MaxFileSize int64 `toml:"max_file_size" env:"MAX_FILE_SIZE"`
	// DefaultProfile is the format proposed first ("camt053" or a profile name).
	DefaultProfile string `toml:"default_profile" env:"DEFAULT_PROFILE"`
	// Profiles are read from the file only: a nested table has no
	// environment variable.
	Profiles map[string]BankProfile `toml:"profiles" env:"-"`
}

// BankProfile describes the CSV export of one bank. Columns are named by
// their header text or by their 1-based position ("3").
type BankProfile struct {
	Label            string `toml:"label"`
	Delimiter        string `toml:"delimiter"`         // ";" "," "tab"
	Encoding         string `toml:"encoding"`          // utf-8, windows-1252, iso-8859-1
	DecimalSeparator string `toml:"decimal_separator"` // "," or "."
	DateFormat       string `toml:"date_format"`       // Go layout, e.g. "02/01/2006"
	SkipLines        int    `toml:"skip_lines"`        // lines to drop first; a header row is found anyway
	Header           bool   `toml:"header"`            // a line of column names, found among the first 30
	DateColumn       string `toml:"date_column"`
	LabelColumn      string `toml:"label_column"`
	AmountColumn     string `toml:"amount_column"` // signed amount, or…
	DebitColumn      string `toml:"debit_column"`  // …a pair of debit and credit columns
	CreditColumn     string `toml:"credit_column"`
	ReferenceColumn  string `toml:"reference_column"` // the bank's id of the entry, optional
	// Sign: "credit_positive" (money in is positive, the usual) or
	// "credit_negative" (money in is negative, as some banks export).
	Sign string `toml:"sign"`
}

// CreditMutuelProfile is Crédit Mutuel's (and CIC's) CSV export: Windows
// encoding, debit and credit columns, French dates and decimals.
var CreditMutuelProfile = BankProfile{Label: "Crédit Mutuel / CIC", Delimiter: ";", Encoding: "windows-1252",
	DecimalSeparator: ",", DateFormat: "02/01/2006", Header: true, DateColumn: "Date",
	LabelColumn: "Libellé", DebitColumn: "Débit", CreditColumn: "Crédit", Sign: "credit_positive"}

// BanquePostaleProfile is La Banque Postale's CSV export: six or seven
// lines about the account (the header row is found, not counted), then
// dates, labels and signed amounts.
var BanquePostaleProfile = BankProfile{Label: "La Banque Postale", Delimiter: ";", Encoding: "iso-8859-1",
	DecimalSeparator: ",", DateFormat: "02/01/2006", Header: true, DateColumn: "Date",
	LabelColumn: "Libellé", AmountColumn: "Montant(EUROS)", Sign: "credit_positive"}

// BankEncodings are the character sets a CSV profile may name.
var BankEncodings = []string{"utf-8", "windows-1252", "iso-8859-1"}

func (b *Bank) validate() error {
	if b.MaxFileSize < 1024 || b.MaxFileSize > 1<<30 {
		return fmt.Errorf("bank.max_file_size: %d bytes is not between 1 KiB and 1 GiB", b.MaxFileSize)
	}
	if _, ok := b.Profiles[b.DefaultProfile]; !ok && b.DefaultProfile != "camt053" {
		return fmt.Errorf("bank.default_profile: %q is neither camt053 nor a profile of [bank.profiles]", b.DefaultProfile)
	}
	names := make([]string, 0, len(b.Profiles))
	for n := range b.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := b.Profiles[n].validate(); err != nil {
			return fmt.Errorf("bank.profiles.%s.%v", n, err)
		}
	}
	return nil
}

func (p BankProfile) validate() error {
	switch p.Delimiter {
	case ";", ",", "tab", "|":
	default:
		return fmt.Errorf("delimiter: %q is not one of \";\", \",\", \"tab\", \"|\"", p.Delimiter)
	}
	enc := false
	for _, e := range BankEncodings {
		enc = enc || strings.EqualFold(p.Encoding, e)
	}
	if !enc {
		return fmt.Errorf("encoding: %q is not one of %s", p.Encoding, strings.Join(BankEncodings, ", "))
	}
	if p.DecimalSeparator != "," && p.DecimalSeparator != "." {
		return fmt.Errorf("decimal_separator: %q is not \",\" or \".\"", p.DecimalSeparator)
	}
	if _, err := time.Parse(p.DateFormat, time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC).Format(p.DateFormat)); err != nil || p.DateFormat == "" {
		return fmt.Errorf("date_format: %q is not a Go date layout such as \"02/01/2006\"", p.DateFormat)
	}
	if p.SkipLines < 0 || p.SkipLines > 100 {
		return fmt.Errorf("skip_lines: %d is not between 0 and 100", p.SkipLines)
	}
	if p.Sign != "credit_positive" && p.Sign != "credit_negative" {
		return fmt.Errorf("sign: %q is not credit_positive or credit_negative", p.Sign)
	}
	if p.DateColumn == "" || p.LabelColumn == "" {
		return errors.New("date_column: a profile needs date_column and label_column")
	}
	if (p.AmountColumn == "") == (p.DebitColumn == "" && p.CreditColumn == "") || (p.AmountColumn == "" && (p.DebitColumn == "" || p.CreditColumn == "")) {
		return errors.New("amount_column: set amount_column, or both debit_column and credit_column")
	}
	for _, c := range []string{p.DateColumn, p.LabelColumn, p.AmountColumn, p.DebitColumn, p.CreditColumn, p.ReferenceColumn} {
		if c != "" && !p.Header && !allDigits(c) {
			return fmt.Errorf("header: column %q is named but the profile has no header line (header = true)", c)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != "" && s != "0"
}
