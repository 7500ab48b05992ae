package model

// Results of matching a bank line.
const (
	LineMatched   = "matched"   // to a member and what it pays
	LineAmbiguous = "ambiguous" // several members could be meant
	LineUnmatched = "unmatched" // nobody found
	LineIgnored   = "ignored"   // money going out: not a member's payment
	LineDuplicate = "duplicate" // already imported
)

// What a matched line pays.
const (
	TargetInvoice = "invoice" // an open invoice first, then the oldest others
	TargetFee     = "fee"     // a membership fee
	TargetCredit  = "credit"  // the oldest open invoices, the rest as credit
)

// Import statuses.
const (
	ImportPending   = "pending"
	ImportConfirmed = "confirmed"
)

// TargetReturn is a statement line sending back a direct debit (a return,
// or a pain.002 reject): the payment it made is reversed.
const TargetReturn = "debit_return"

// How a collection came back.
const (
	DebitReturned = "return" // after settlement: camt.053 return entry
	DebitRejected = "reject" // before settlement: pain.002 status report
)
