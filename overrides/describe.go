package overrides

import "strings"

// descriptions say what each template is for, by base name (no language or
// extension), for `coin templates list` and the back office.
var descriptions = map[string]string{
	"email/password_reset":      "E-mail with the link to choose a new password",
	"email/verify_email":        "E-mail asking a new sign-up to confirm their address",
	"email/welcome":             "E-mail sent when an account is created",
	"email/signup_notification": "E-mail telling staff of a new sign-up",
	"portal/home":               "Text at the top of the members' home page",
	"portal/membership_info":    "How to become a member and pay the fee",
	"portal/signup_terms":       "Terms shown on the sign-up form",
	"portal/legal":              "Legal notice page: publisher, personal data (linked from every page)",
	"invoice/footer": "Footer of invoice PDFs: address, bank account, legal mentions (.Site is the ISP identity; " +
		".DirectDebit: the invoice will be collected from the member's account)",
	"email/fee_reminder": "Membership fee reminder (.Member, .Site, .EndDate, .Expired, .EndsToday, " +
		".Offset, .Amount, .Reference, .IBAN, .BIC, .InfoURL, .Link)",
	"email/invoice_new": "E-mail announcing a new invoice (.Member, .Site, .Invoice.Number, " +
		".Invoice.Total, .Invoice.DueDate, .Invoice.Link; .Debit, for a member with an active SEPA mandate: " +
		".Debit.IBAN, .Debit.Mandate, .Debit.CreditorID, .Debit.Creditor, .Debit.Date)",
	"email/payment_received": "E-mail acknowledging a payment (.Member, .Site, .Payment.Amount, " +
		".Payment.Date, .Payment.Label)",
	"email/sepa_prenotification": "Pre-notification of a direct debit, sent with the file (.Member, .Site, " +
		".Debits with .Number, .Amount; .Total, .Date, .IBAN, .Mandate, .CreditorID, .Creditor, .Link)",
	"email/sepa_return": "A direct debit came back or was rejected (.Member, .Site, .Number, .Amount, " +
		".Remaining, .Date, .Code, .Reason, .Rejected, .Suspended, .Mandate, .FeeInvoice, .Fee, .IBAN, .BIC, .Link)",
	"email/bulk": "Layout of a message written in the back office to chosen members (.Subject, .Body, " +
		".Member, .Site)",
	"email/payment_reminder": "Reminder of unpaid invoices (.Member, .Site, .Invoices with .Number, .DueDate, " +
		".Total, .Remaining, .Link; .Total, .Level, .Last, .Reference, .IBAN, .BIC, .DirectDebit, .PaymentLink, .Link)",
	"email/arrears_notice": "Notice of a coming suspension for arrears (.Member, .Site, .Total, .SuspendOn, " +
		".Reference, .IBAN, .BIC, .DirectDebit, .PaymentLink, .Link)",
	"email/request_approved": "E-mail telling a member their subscription request is accepted (.Member, .Site, " +
		".Offer, .StartDate, .Link)",
	"email/request_refused": "E-mail telling a member their subscription request is refused (.Member, .Site, " +
		".Offer, .Reason, .Link)",
	"email/staff_digest": "Daily e-mail to each staff member of what needs them (.Member, .Site, .Items " +
		"with .Text and .Link, .Count, .Day, .Link to the back office)",
}

// Describe returns the description of a template name.
func Describe(name string) string { return descriptions[Base(name)] }

// Base is a template name without its language and extension
// ("email/welcome.fr.txt" → "email/welcome").
func Base(name string) string {
	base := name
	for i := 0; i < 2; i++ {
		if j := strings.LastIndex(base, "."); j > 0 {
			base = base[:j]
		}
	}
	return base
}
