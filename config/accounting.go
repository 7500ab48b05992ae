package config

import (
	"fmt"
	"regexp"
)

// Accounting holds the journal and account codes of accounting exports.
type Accounting struct {
	JournalSales      string `toml:"journal_sales" env:"JOURNAL_SALES"`
	JournalSalesLabel string `toml:"journal_sales_label" env:"JOURNAL_SALES_LABEL"`
	JournalBank       string `toml:"journal_bank" env:"JOURNAL_BANK"`
	JournalBankLabel  string `toml:"journal_bank_label" env:"JOURNAL_BANK_LABEL"`
	// JournalCash books what is paid in cash (account_cash).
	JournalCash           string `toml:"journal_cash" env:"JOURNAL_CASH"`
	JournalCashLabel      string `toml:"journal_cash_label" env:"JOURNAL_CASH_LABEL"`
	AccountCustomers      string `toml:"account_customers" env:"ACCOUNT_CUSTOMERS"`
	AccountSales          string `toml:"account_sales" env:"ACCOUNT_SALES"`
	AccountBank           string `toml:"account_bank" env:"ACCOUNT_BANK"`
	AccountCash           string `toml:"account_cash" env:"ACCOUNT_CASH"`
	AccountMembershipFees string `toml:"account_membership_fees" env:"ACCOUNT_MEMBERSHIP_FEES"`
	AccountVAT            string `toml:"account_vat" env:"ACCOUNT_VAT"`
	// Accounts proposed when a bank line or a cash or cheque entry is
	// booked to an account rather than to a member: donations (7541 dons
	// manuels), other income (758 produits divers de gestion courante),
	// bank fees (627 services bancaires) and expenses (606 achats non
	// stockés; the treasurer types another, 626 for telecoms say).
	AccountDonations   string `toml:"account_donations" env:"ACCOUNT_DONATIONS"`
	AccountOtherIncome string `toml:"account_other_income" env:"ACCOUNT_OTHER_INCOME"`
	AccountBankFees    string `toml:"account_bank_fees" env:"ACCOUNT_BANK_FEES"`
	AccountExpenses    string `toml:"account_expenses" env:"ACCOUNT_EXPENSES"`
	// FECSeparator is "|" or "tab", the two the administration accepts.
	FECSeparator string `toml:"fec_separator" env:"FEC_SEPARATOR"`
}

// ValidAccount tells whether code is an account code coin accepts.
func ValidAccount(code string) bool { return accountCodeRE.MatchString(code) }

var accountCodeRE = regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`)

func (a *Accounting) validate() error {
	for key, v := range map[string]string{"journal_sales": a.JournalSales, "journal_bank": a.JournalBank, "journal_cash": a.JournalCash, "account_cash": a.AccountCash,
		"account_customers": a.AccountCustomers, "account_sales": a.AccountSales, "account_bank": a.AccountBank,
		"account_membership_fees": a.AccountMembershipFees, "account_vat": a.AccountVAT,
		"account_donations": a.AccountDonations, "account_other_income": a.AccountOtherIncome,
		"account_bank_fees": a.AccountBankFees, "account_expenses": a.AccountExpenses} {
		if !accountCodeRE.MatchString(v) {
			return fmt.Errorf("accounting.%s: %q is not a code of 1 to 20 letters or digits", key, v)
		}
	}
	if a.FECSeparator != "|" && a.FECSeparator != "tab" {
		return fmt.Errorf("accounting.fec_separator: %q is not \"|\" or \"tab\"", a.FECSeparator)
	}
	return nil
}
