package billing

import (
	"coin/date"
	"coin/store"
)

// Period is one billing period of a subscription: the full period, aligned
// on the first day of the subscription's start month and as long as the
// offer's billing period, and the part of it the member was served.
type Period struct {
	Start, End       date.Date // the full period, End inclusive
	ServedFrom       date.Date
	ServedTo         date.Date // inclusive
	FullDays, Served int
	AmountCents      int64 // prorated by day
	First            bool  // the subscription's first period: the setup fee goes with it
}

// Prorate returns fee × served / total, rounded half up to the cent.
func Prorate(fee int64, served, total int) int64 {
	if served >= total || total <= 0 {
		return fee
	}
	return (fee*int64(served)*2 + int64(total)) / (2 * int64(total))
}

// DuePeriods returns the periods of a subscription to invoice on day:
// periods that have begun by day, in which the member is served (from the
// start date to the day before the resign date), that were not charged yet
// and that end on or after chargeFrom (periods before it were billed
// outside coin).
func DuePeriods(s *store.BillableSubscription, day, chargeFrom date.Date) []Period {
	months := s.Offer.BillingPeriodMonths
	if months < 1 {
		months = 1
	}
	anchor := s.StartDate.FirstOfMonth()
	var out []Period
	for k := 0; ; k++ {
		start := anchor.AddMonths(k * months)
		if start.After(day) {
			break
		}
		if !s.ResignDate.IsZero() && !start.Before(s.ResignDate) {
			break
		}
		end := anchor.AddMonths((k + 1) * months).AddDays(-1)
		p := Period{Start: start, End: end, First: k == 0,
			ServedFrom: date.Max(start, s.StartDate), ServedTo: end}
		if !s.ResignDate.IsZero() {
			p.ServedTo = date.Min(end, s.ResignDate.AddDays(-1))
		}
		if p.ServedFrom.After(day) {
			break
		}
		if p.ServedTo.Before(p.ServedFrom) || s.Charged[start] || (!chargeFrom.IsZero() && end.Before(chargeFrom)) {
			continue
		}
		p.FullDays = start.DaysUntil(end) + 1
		p.Served = p.ServedFrom.DaysUntil(p.ServedTo) + 1
		p.AmountCents = Prorate(s.Offer.PeriodFeeCents, p.Served, p.FullDays)
		out = append(out, p)
	}
	return out
}
