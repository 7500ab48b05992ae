package model

// Payment methods of a membership fee ("" when unknown, e.g. imported).
const (
	PayTransfer = "transfer"
	PayCheck    = "check"
	PayCash     = "cash"
	PayCard     = "card"
	PayOther    = "other"
)

// Fee states of a member on a given day.
const (
	FeeUpToDate = "up_to_date" // a fee covers the day
	FeeExpired  = "expired"    // has fees, none covers the day
	FeeNever    = "never"      // no fee at all
)
