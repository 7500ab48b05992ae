package views

import (
	"context"
	"time"

	"coin/date"
	"coin/store"
)

// offerChoice names an open offer with its price, for members choosing one.
func offerChoice(ctx context.Context, o *store.Offer) string {
	label := offerLabel(o.Reference, o.Name)
	if o.NonBillable || o.PeriodFeeCents == 0 {
		return label
	}
	return label + " — " + loc(ctx).Money(o.PeriodFeeCents) + " " +
		tf(ctx, "offer.every_months", map[string]any{"Count": o.BillingPeriodMonths})
}

// dayOf is the ISP's calendar day of an instant.
func dayOf(ctx context.Context, t time.Time) date.Date { return date.Of(t.In(loc(ctx).Loc)) }
