package model

// Fee filter values of MemberEmailFilter.
const (
	EmailFeeUpToDate = "up-to-date" // a membership fee covers the day
	EmailFeeExpired  = "expired"    // no fee covers the day (never paid included)
)
