package billing

import (
	"coin/date"
	"coin/store"
)

// Period is what to charge of one billing period of a subscription: the
// full period, aligned on the first day of the subscription's start month
// and as long as the offer's billing period, the part of it not invoiced
// yet, and the days of that part the member was served.
type Period struct {
	Start, End       date.Date // the full period, End inclusive
	From, To         date.Date // the part charged now (recorded as charged), To inclusive
	ServedFrom       date.Date
	ServedTo         date.Date // inclusive
	FullDays, Served int
	AmountCents      int64 // prorated by day
	First            bool  // the subscription's first charge: the setup fee goes with it
}

// Prorate returns fee × served / total, rounded half up to the cent.
func Prorate(fee int64, served, total int) int64 {
	if served >= total || total <= 0 {
		return fee
	}
	return (fee*int64(served)*2 + int64(total)) / (2 * int64(total))
}

// DuePeriods returns what to invoice of a subscription on day: periods
// that have begun by day, in which the member is served (from the start
// date to the day before the resign date), that end on or after chargeFrom
// (periods before it were billed outside coin), less every day already
// covered by a charged period. Charged periods need not line up with
// today's periods (the start date or the offer's billing period may have
// changed since): a period partly covered yields its uncovered parts only,
// each prorated by day, and a period fully covered yields nothing, so no day
// is ever invoiced twice. The setup fee goes with the first part of the
// subscription's first period, and only when nothing was charged yet.
func DuePeriods(s *store.BillableSubscription, day, chargeFrom date.Date) []Period {
	months := s.Offer.BillingPeriodMonths
	if months < 1 {
		months = 1
	}
	anchor := s.StartDate.FirstOfMonth()
	charged := s.Charged // ordered by From
	lo := 0              // charged[:lo] all end before the current period
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
		servedFrom, servedTo := date.Max(start, s.StartDate), end
		if !s.ResignDate.IsZero() {
			servedTo = date.Min(end, s.ResignDate.AddDays(-1))
		}
		if servedFrom.After(day) {
			break
		}
		if servedTo.Before(servedFrom) || (!chargeFrom.IsZero() && end.Before(chargeFrom)) {
			continue
		}
		for lo < len(charged) && charged[lo].To.Before(start) {
			lo++
		}
		fullDays := start.DaysUntil(end) + 1
		first := k == 0 && len(charged) == 0
		// Walk the charged ranges overlapping [start, end] in order of
		// start, emitting the gaps between them.
		cur := start
		emit := func(from, to date.Date) {
			p := Period{Start: start, End: end, From: from, To: to, FullDays: fullDays,
				ServedFrom: date.Max(from, servedFrom), ServedTo: date.Min(to, servedTo)}
			if p.ServedTo.Before(p.ServedFrom) {
				return // none of it served
			}
			p.Served = p.ServedFrom.DaysUntil(p.ServedTo) + 1
			p.AmountCents = Prorate(s.Offer.PeriodFeeCents, p.Served, fullDays)
			p.First, first = first, false
			out = append(out, p)
		}
		for _, c := range charged[lo:] {
			if c.From.After(end) {
				break
			}
			if c.To.Before(cur) {
				continue
			}
			if c.From.After(cur) {
				emit(cur, c.From.AddDays(-1))
			}
			cur = c.To.AddDays(1)
			if cur.After(end) {
				break
			}
		}
		if !cur.After(end) {
			emit(cur, end)
		}
	}
	return out
}
