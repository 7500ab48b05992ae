package billing

import (
	"testing"

	"coin/date"
	"coin/store"
)

func sub(start, resign string, months int, fee int64, charged ...string) *store.BillableSubscription {
	s := &store.BillableSubscription{}
	s.StartDate = date.MustParse(start)
	if resign != "" {
		s.ResignDate = date.MustParse(resign)
	}
	s.Offer.BillingPeriodMonths, s.Offer.PeriodFeeCents = months, fee
	for _, c := range charged {
		from := date.MustParse(c)
		s.Charged = append(s.Charged, store.DateRange{From: from, To: from.AddMonths(months).AddDays(-1)})
	}
	return s
}

func TestDuePeriodsProratesFirstAndLast(t *testing.T) {
	// Starts 16 November (15 of 30 days), resigns 11 January (10 days served).
	ps := DuePeriods(sub("2026-11-16", "2027-01-11", 1, 3000), date.MustParse("2027-02-15"), date.Date{})
	want := []struct {
		from, to string
		cents    int64
	}{{"2026-11-16", "2026-11-30", 1500}, {"2026-12-01", "2026-12-31", 3000}, {"2027-01-01", "2027-01-10", 968}}
	if len(ps) != len(want) {
		t.Fatalf("%d periods: %+v", len(ps), ps)
	}
	for i, w := range want {
		if ps[i].ServedFrom.String() != w.from || ps[i].ServedTo.String() != w.to || ps[i].AmountCents != w.cents {
			t.Errorf("period %d: %s..%s %d, want %s..%s %d", i, ps[i].ServedFrom, ps[i].ServedTo, ps[i].AmountCents, w.from, w.to, w.cents)
		}
	}
	if !ps[0].First || ps[1].First {
		t.Fatal("only the first period carries the setup fee")
	}
}

func TestDuePeriodsOnlyStartedAndUncharged(t *testing.T) {
	s := sub("2026-01-01", "", 1, 500, "2026-01-01", "2026-02-01")
	ps := DuePeriods(s, date.MustParse("2026-03-31"), date.Date{})
	if len(ps) != 1 || ps[0].Start.String() != "2026-03-01" || ps[0].AmountCents != 500 {
		t.Fatalf("%+v", ps)
	}
	// The day before a period begins, it is not due.
	if ps := DuePeriods(s, date.MustParse("2026-02-28"), date.Date{}); len(ps) != 0 {
		t.Fatalf("%+v", ps)
	}
	// A subscription starting later is not charged yet.
	if ps := DuePeriods(sub("2026-12-05", "", 1, 500), date.MustParse("2026-12-04"), date.Date{}); len(ps) != 0 {
		t.Fatalf("future start: %+v", ps)
	}
}

func TestYearlyPeriodsAndChargeFrom(t *testing.T) {
	s := sub("2024-03-10", "", 12, 12000)
	ps := DuePeriods(s, date.MustParse("2026-03-01"), date.MustParse("2025-06-01"))
	// 2024-03..2025-02 ends before charge_from: billed outside coin.
	if len(ps) != 2 || ps[0].Start.String() != "2025-03-01" || ps[1].Start.String() != "2026-03-01" {
		t.Fatalf("%+v", ps)
	}
	if ps[0].AmountCents != 12000 || ps[0].End.String() != "2026-02-28" {
		t.Fatalf("%+v", ps[0])
	}
}

func TestResignOnPeriodStartChargesNothingMore(t *testing.T) {
	ps := DuePeriods(sub("2026-01-01", "2026-03-01", 1, 500), date.MustParse("2026-06-01"), date.Date{})
	if len(ps) != 2 {
		t.Fatalf("%+v", ps)
	}
	if ps := DuePeriods(sub("2026-01-15", "2026-01-15", 1, 500), date.MustParse("2026-06-01"), date.Date{}); len(ps) != 0 {
		t.Fatalf("never served: %+v", ps)
	}
}

func TestProrate(t *testing.T) {
	cases := [][4]int64{{3000, 15, 30, 1500}, {1000, 1, 3, 333}, {1000, 2, 3, 667}, {999, 31, 31, 999}, {0, 3, 30, 0}}
	for _, c := range cases {
		if got := Prorate(c[0], int(c[1]), int(c[2])); got != c[3] {
			t.Errorf("Prorate(%d, %d, %d) = %d, want %d", c[0], c[1], c[2], got, c[3])
		}
	}
}

func TestDuePeriodsNeverChargeADayTwice(t *testing.T) {
	// Quarterly from 15 January: January to March charged, then the start
	// date moved to 10 February: the period February to April is charged
	// for April only, without the setup fee.
	s := sub("2026-02-10", "", 3, 9000)
	s.Offer.SetupFeeCents = 2000
	s.Charged = []store.DateRange{{From: date.MustParse("2026-01-01"), To: date.MustParse("2026-03-31")}}
	ps := DuePeriods(s, date.MustParse("2026-02-10"), date.Date{})
	if len(ps) != 1 || ps[0].From.String() != "2026-04-01" || ps[0].To.String() != "2026-04-30" ||
		ps[0].ServedFrom.String() != "2026-04-01" || ps[0].Served != 30 || ps[0].FullDays != 89 ||
		ps[0].AmountCents != Prorate(9000, 30, 89) || ps[0].First {
		t.Fatalf("moved start: %+v", ps)
	}
	// Yearly January to December charged, then the offer made quarterly:
	// nothing more until January.
	s = sub("2026-01-01", "", 3, 3000)
	s.Charged = []store.DateRange{{From: date.MustParse("2026-01-01"), To: date.MustParse("2026-12-31")}}
	if ps := DuePeriods(s, date.MustParse("2026-12-31"), date.Date{}); len(ps) != 0 {
		t.Fatalf("yearly then quarterly: %+v", ps)
	}
	ps = DuePeriods(s, date.MustParse("2027-01-01"), date.Date{})
	if len(ps) != 1 || ps[0].From.String() != "2027-01-01" || ps[0].AmountCents != 3000 {
		t.Fatalf("January: %+v", ps)
	}
	// Charged ranges leaving two holes in a period: each hole is charged.
	s = sub("2026-01-01", "", 12, 36500)
	s.Charged = []store.DateRange{
		{From: date.MustParse("2026-01-01"), To: date.MustParse("2026-03-31")},
		{From: date.MustParse("2026-02-01"), To: date.MustParse("2026-04-30")}, // overlapping, as the bug left them
		{From: date.MustParse("2026-07-01"), To: date.MustParse("2026-09-30")},
	}
	ps = DuePeriods(s, date.MustParse("2026-06-01"), date.Date{})
	if len(ps) != 2 || ps[0].From.String() != "2026-05-01" || ps[0].To.String() != "2026-06-30" || ps[0].Served != 61 ||
		ps[1].From.String() != "2026-10-01" || ps[1].To.String() != "2026-12-31" || ps[1].Served != 92 ||
		ps[0].AmountCents != 6100 || ps[1].AmountCents != 9200 || ps[0].First || ps[1].First {
		t.Fatalf("holes: %+v", ps)
	}
	// A start date moved earlier: the days before the charged period.
	s = sub("2025-12-10", "", 3, 9000)
	s.Charged = []store.DateRange{{From: date.MustParse("2026-01-01"), To: date.MustParse("2026-03-31")}}
	ps = DuePeriods(s, date.MustParse("2026-01-05"), date.Date{})
	if len(ps) != 1 || ps[0].ServedFrom.String() != "2025-12-10" || ps[0].To.String() != "2025-12-31" || ps[0].Served != 22 {
		t.Fatalf("earlier start: %+v", ps)
	}
}
