package handlers_test

import (
	"strings"
	"testing"

	"coin/config"
	"coin/iban"
)

// The treasurer is told which account receives transfers and which the
// direct debits, and warned when they differ.
func TestAccountsUsedForTransfersAndDebits(t *testing.T) {
	for _, tc := range []struct {
		name, creditor string
		warn           bool
	}{
		{"same account", "FR7630006000011234567890189", false},
		{"another account", "FR1420041010050500013M02606", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tweak := func(c *config.Config) {
				c.SEPA = config.SEPA{CreditorName: "FAI Test", CreditorID: "FR72ZZZ123456", CreditorIBAN: tc.creditor, LeadDays: 2}
			}
			eachApp(t, tweak, func(t *testing.T, a *testApp) {
				a.setIdentity()
				a.addMember("admin", "admin", "admin-password")
				b := a.browser()
				b.login("admin", "admin-password")
				for _, p := range []string{"/admin/sepa", "/admin/isp/"} {
					page := b.get(p)
					mustContain(t, page.Body, "asked to pay to FR76 3000 6000 0112 3456 7890 189",
						"Direct debits are credited to "+iban.Format(tc.creditor))
					if got := strings.Contains(page.Body, "These two accounts differ"); got != tc.warn {
						t.Fatalf("%s: warning shown %v, want %v", p, got, tc.warn)
					}
				}
			})
		})
	}
}
