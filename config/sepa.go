package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"coin/iban"
	"coin/money"
)

// SEPA holds the creditor identity for SEPA direct debit files.
type SEPA struct {
	CreditorName string `toml:"creditor_name" env:"CREDITOR_NAME"`
	// CreditorID is the SEPA creditor identifier (ICS in France, e.g.
	// FR12ZZZ123456); empty turns direct debit off.
	CreditorID   string `toml:"creditor_id" env:"CREDITOR_ID"`
	CreditorIBAN string `toml:"creditor_iban" env:"CREDITOR_IBAN"`
	CreditorBIC  string `toml:"creditor_bic" env:"CREDITOR_BIC"`
	// LeadDays is how many TARGET2 business days after the file's day the
	// collection is asked for (sepa.CollectionDate).
	LeadDays int `toml:"lead_days" env:"LEAD_DAYS"`
	// ReturnFee, an amount such as "5.00", is invoiced to a member whose
	// direct debit came back (the bank's charge passed on); "" for none.
	ReturnFee string `toml:"return_fee" env:"RETURN_FEE"`
}

// ReturnFeeCents is ReturnFee in cents, 0 when none (validated by Load).
func (s SEPA) ReturnFeeCents() int64 {
	n, _ := money.Parse(s.ReturnFee)
	return n
}

// Enabled tells whether direct debit files can be written.
func (s SEPA) Enabled() bool { return s.CreditorID != "" }

// creditorIDRE is the shape of a SEPA creditor identifier: country, check
// digits, a 3-character business code, then the national identifier.
var creditorIDRE = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$`)

func (s *SEPA) validate() error {
	s.CreditorID = strings.ToUpper(strings.ReplaceAll(s.CreditorID, " ", ""))
	if s.ReturnFee != "" {
		if n, err := money.Parse(s.ReturnFee); err != nil || n < 0 {
			return fmt.Errorf("sepa.return_fee: %q is not an amount such as \"5.00\"", s.ReturnFee)
		}
	}
	if s.LeadDays < 1 || s.LeadDays > 60 {
		return fmt.Errorf("sepa.lead_days: %d is not between 1 and 60", s.LeadDays)
	}
	if s.CreditorID == "" {
		return nil
	}
	if !creditorIDRE.MatchString(s.CreditorID) || !iban.ValidCreditorID(s.CreditorID) {
		return fmt.Errorf("sepa.creditor_id: %q is not a SEPA creditor identifier (e.g. FR72ZZZ123456, check digits included)", s.CreditorID)
	}
	if strings.TrimSpace(s.CreditorName) == "" {
		return errors.New("sepa.creditor_name: needed with sepa.creditor_id")
	}
	if err := iban.Check(s.CreditorIBAN); err != nil {
		return fmt.Errorf("sepa.creditor_iban: %v", err)
	}
	s.CreditorIBAN = iban.Normalize(s.CreditorIBAN)
	if s.CreditorBIC != "" && !iban.ValidBIC(s.CreditorBIC) {
		return fmt.Errorf("sepa.creditor_bic: %q is not a BIC", s.CreditorBIC)
	}
	s.CreditorBIC = iban.NormalizeBIC(s.CreditorBIC)
	if s.CreditorBIC != "" {
		if err := iban.CheckBICCountry(s.CreditorBIC, s.CreditorIBAN); err != nil {
			return fmt.Errorf("sepa.creditor_bic: %q does not go with the IBAN %s: %v", s.CreditorBIC, s.CreditorIBAN, err)
		}
	}
	return nil
}
