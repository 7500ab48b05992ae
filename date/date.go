// Package date holds a calendar day without time or zone, the unit of
// membership fees, subscriptions and invoice periods.
//
// It is stored as 'YYYY-MM-DD' text in SQLite and as DATE in PostgreSQL;
// the zero Date is SQL NULL, so one type serves optional columns too.
package date

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Layout is the ISO 8601 form used in forms, URLs, the CLI and the database.
const Layout = "2006-01-02"

// Date is a day in the proleptic Gregorian calendar. The zero value means "no date".
type Date struct {
	t time.Time // always midnight UTC
}

// New returns the date y-m-d, normalising overflows as time.Date does.
func New(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Of returns the calendar day of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// Today returns the current day in loc.
func Today(loc *time.Location) Date {
	return Of(time.Now().In(loc))
}

// Parse reads an ISO 8601 day (2006-01-02). An empty string gives the zero Date.
func Parse(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// MustParse is Parse for constants in tests and demo data.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool          { return d.t.IsZero() }
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Time() time.Time       { return d.t }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// String is the ISO form, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddMonths adds n months, clamping to the last day of the target month
// (31 January + 1 month is 28 or 29 February), as people and banks count.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return New(first.Year(), first.Month(), day)
}

// AddYears adds n years, clamping 29 February to 28 February.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int { return d.t.Compare(o.t) }

// DaysUntil returns the number of days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.t.Sub(d.t).Hours() / 24)
}

// FirstOfMonth returns the first day of d's month.
func (d Date) FirstOfMonth() Date { return New(d.Year(), d.Month(), 1) }

// Min returns the earlier of a and b.
func Min(a, b Date) Date {
	if a.Before(b) {
		return a
	}
	return b
}

// Max returns the later of a and b.
func Max(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

// Value stores the date as ISO text; the zero Date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan accepts what both drivers return for DATE columns: time.Time, text or NULL.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = Of(v.UTC())
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("date: cannot scan %T", src)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) > len(Layout) {
		s = s[:len(Layout)]
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText and UnmarshalText make Date usable in JSON and TOML.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
