package sepa

import (
	"time"

	"coin/date"
)

// Easter returns Easter Sunday of a Gregorian year, by the anonymous
// Gregorian algorithm (Meeus/Jones/Butcher, in Meeus' "Astronomical
// Algorithms", chapter 8).
func Easter(year int) date.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date.New(year, time.Month(month), day)
}

// TARGET2Open tells whether d is a TARGET2 business day, the days SEPA
// direct debits are settled on: not a Saturday or Sunday, nor one of the
// TARGET2 closing days (1 January, Good Friday, Easter Monday, 1 May,
// 25 and 26 December).
func TARGET2Open(d date.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	switch m, day := d.Month(), d.Day(); {
	case m == time.January && day == 1, m == time.May && day == 1,
		m == time.December && (day == 25 || day == 26):
		return false
	}
	easter := Easter(d.Year())
	return !d.Equal(easter.AddDays(-2)) && !d.Equal(easter.AddDays(1))
}

// CollectionDate is the ReqdColltnDt of a file made on day: leadDays
// TARGET2 business days after it, counted forward (a day that is not a
// business day does not count). French banks count the D-x lead times of
// direct debits in business days, so the lead days are business days, not
// calendar days rolled forward at the end: a file made on a Thursday with
// 2 lead days asks for the Monday.
func CollectionDate(day date.Date, leadDays int) date.Date {
	d := day
	for n := 0; n < leadDays; {
		d = d.AddDays(1)
		if TARGET2Open(d) {
			n++
		}
	}
	for !TARGET2Open(d) { // leadDays 0: the day itself, if it is one
		d = d.AddDays(1)
	}
	return d
}
