package sepa_test

import (
	"testing"

	"coin/date"
	"coin/sepa"
)

// Easter Sundays from the published tables of the Gregorian calendar.
func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		1961: "1961-04-02", 2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21",
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25",
		2285: "2285-03-22",
	} {
		if got := sepa.Easter(year).String(); got != want {
			t.Errorf("Easter %d: %s, want %s", year, got, want)
		}
	}
}

func TestTARGET2Open(t *testing.T) {
	for d, want := range map[string]bool{
		"2026-12-04": true,                       // Friday
		"2026-12-05": false,                      // Saturday
		"2026-12-06": false,                      // Sunday
		"2026-12-24": true,                       // Christmas Eve is open
		"2026-12-25": false, "2026-12-26": false, // (a Saturday anyway)
		"2027-12-27": true,  // Monday after
		"2027-01-01": false, // Friday, New Year's Day
		"2027-03-26": false, // Good Friday
		"2027-03-29": false, // Easter Monday
		"2027-03-25": true,  // Maundy Thursday is open
		"2027-05-01": false, // a Saturday
		"2026-05-01": false, // Friday, Labour Day
		"2026-05-08": true,  // French holiday, TARGET2 open
		"2026-07-14": true,  // French holiday, TARGET2 open
		"2027-05-06": true,  // Ascension Thursday, TARGET2 open
	} {
		if got := sepa.TARGET2Open(date.MustParse(d)); got != want {
			t.Errorf("%s: open %v, want %v", d, got, want)
		}
	}
}

// The collection date is lead days TARGET2 business days after the file's
// day; the cases of issue 20 asked for a closed day.
func TestCollectionDateIsATARGET2BusinessDay(t *testing.T) {
	for _, c := range []struct {
		day  string
		lead int
		want string
	}{
		{"2026-12-03", 2, "2026-12-07"}, // Thursday: Friday 4, Monday 7; not Saturday 5
		{"2026-12-23", 2, "2026-12-28"}, // Thursday 24, (25, 26, 27 closed) Monday 28; not the 25th
		{"2027-03-24", 2, "2027-03-30"}, // Thursday 25, (Good Friday … Easter Monday) Tuesday 30
		{"2026-12-30", 2, "2027-01-04"}, // Thursday 31, (New Year's Day, weekend) Monday 4
		{"2027-03-01", 2, "2027-03-03"}, // Monday: Wednesday
		{"2027-03-01", 5, "2027-03-08"}, // a whole week of business days
		{"2026-12-05", 1, "2026-12-07"}, // a file made on a Saturday
		{"2027-04-29", 1, "2027-04-30"},
		{"2026-04-30", 1, "2026-05-04"}, // Thursday; Friday 1 May closed
		{"2026-12-04", 0, "2026-12-04"},
		{"2026-12-05", 0, "2026-12-07"},
	} {
		got := sepa.CollectionDate(date.MustParse(c.day), c.lead)
		if got.String() != c.want {
			t.Errorf("file of %s, %d lead days: %s, want %s", c.day, c.lead, got, c.want)
		}
		if !sepa.TARGET2Open(got) {
			t.Errorf("file of %s: %s is closed", c.day, got)
		}
	}
}
