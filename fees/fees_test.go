package fees_test

import (
	"testing"

	"coin/date"
	"coin/fees"
	"coin/model"
	"coin/store"
)

func fee(start, end string) *store.MembershipFee {
	return &store.MembershipFee{StartDate: date.MustParse(start), EndDate: date.MustParse(end)}
}

func TestStatusOf(t *testing.T) {
	day := date.MustParse("2026-06-15")
	if st := fees.StatusOf(nil, day); st.State != model.FeeNever || st.Latest != nil || !st.PaidUntil.IsZero() {
		t.Fatalf("never: %+v", st)
	}
	old := fee("2024-01-01", "2024-12-31")
	if st := fees.StatusOf([]*store.MembershipFee{old}, day); st.State != model.FeeExpired || st.PaidUntil.String() != "2024-12-31" {
		t.Fatalf("expired: %+v", st)
	}
	// Paid a year in advance, in two contiguous fees: paid until the end of the second.
	cur, next := fee("2025-07-01", "2026-06-30"), fee("2026-07-01", "2027-06-30")
	st := fees.StatusOf([]*store.MembershipFee{next, old, cur}, day)
	if st.State != model.FeeUpToDate || st.Current != cur || st.Latest != next || st.PaidUntil.String() != "2027-06-30" {
		t.Fatalf("up to date: %+v", st)
	}
	// A future fee after a gap does not extend the paid period.
	gap := fee("2026-09-01", "2027-08-31")
	st = fees.StatusOf([]*store.MembershipFee{cur, gap}, day)
	if st.PaidUntil.String() != "2026-06-30" || st.Latest != gap {
		t.Fatalf("gap: %+v", st)
	}
}

func TestDefaultStartAndEnd(t *testing.T) {
	today := date.MustParse("2026-06-15")
	if got := fees.DefaultStart(nil, today); got != today {
		t.Fatalf("first fee starts %s", got)
	}
	// Renewing early continues the membership without a gap.
	if got := fees.DefaultStart([]*store.MembershipFee{fee("2025-07-01", "2026-06-30")}, today); got.String() != "2026-07-01" {
		t.Fatalf("early renewal starts %s", got)
	}
	// Paying late starts today: the lapsed months are not charged.
	if got := fees.DefaultStart([]*store.MembershipFee{fee("2025-01-01", "2025-12-31")}, today); got != today {
		t.Fatalf("late renewal starts %s", got)
	}
	if got := fees.DefaultEnd(date.MustParse("2024-02-29")); got.String() != "2025-02-27" {
		t.Fatalf("end of a fee from 29 February: %s", got)
	}
	if got := fees.DefaultEnd(date.MustParse("2026-01-01")); got.String() != "2026-12-31" {
		t.Fatalf("end: %s", got)
	}
}

func TestFormValidate(t *testing.T) {
	f := fees.Form{Amount: "15,50", StartDate: "2026-03-01", PaymentMethod: "check", PaymentDate: "2026-02-27", Reference: " CHQ 42 "}
	got, errs := f.Validate(7)
	if errs.Any() || got.Amount != 1550 || got.EndDate.String() != "2027-02-28" || got.Reference != "CHQ 42" || got.MemberID != 7 {
		t.Fatalf("valid form: %+v %v", got, errs)
	}
	bad := fees.Form{Amount: "-3", StartDate: "2026-03-01", EndDate: "2026-02-01", PaymentMethod: "bitcoin", PaymentDate: "yesterday"}
	if _, errs := bad.Validate(7); errs.Get("amount") != "fees.err_negative" || errs.Get("end_date") != "fees.err_end_before_start" ||
		errs.Get("payment_method") != "err.choice_invalid" || errs.Get("payment_date") != "err.date_invalid" {
		t.Fatalf("errors: %v", errs)
	}
	if _, errs := (&fees.Form{}).Validate(7); errs.Get("amount") != "err.required" || errs.Get("start_date") != "err.required" {
		t.Fatalf("empty form: %v", errs)
	}
	// A typo without digits is not a fee of zero.
	for _, typo := range []string{"-", ".", ",", "+"} {
		f := fees.Form{Amount: typo, StartDate: "2026-03-01", PaymentMethod: "check"}
		if _, errs := f.Validate(7); errs.Get("amount") != "err.amount_invalid" {
			t.Fatalf("amount %q: %v", typo, errs)
		}
	}
}
