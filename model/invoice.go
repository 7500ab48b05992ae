package model

// Invoice kinds and statuses.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"

	InvoiceDraft     = "draft"
	InvoiceValidated = "validated"
)
