package date

import (
	"fmt"
	"strconv"
	"strings"
)

// Offset is a signed calendar distance written as people count it: "-3m"
// (three months before), "0d" (the day itself), "+1m", "-15d", "+2w", "1y".
// Months and years clamp to the end of shorter months, as AddMonths does.
type Offset struct {
	N    int
	Unit byte // 'd', 'w', 'm' or 'y'
}

// maxOffset keeps offsets to what a reminder setting can mean (100 years).
const maxOffset = 36525

// ParseOffset reads "[+|-]N{d|w|m|y}".
func ParseOffset(s string) (Offset, error) {
	t := strings.TrimSpace(s)
	if len(t) < 2 {
		return Offset{}, fmt.Errorf("offset %q: want a number and a unit, e.g. -3m or +15d", s)
	}
	unit := t[len(t)-1]
	switch unit {
	case 'd', 'w', 'm', 'y':
	default:
		return Offset{}, fmt.Errorf("offset %q: unit must be d (days), w (weeks), m (months) or y (years)", s)
	}
	num := t[:len(t)-1]
	digits := strings.TrimPrefix(strings.TrimPrefix(num, "+"), "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return Offset{}, fmt.Errorf("offset %q: want a number and a unit, e.g. -3m or +15d", s)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > maxOffset || n < -maxOffset {
		return Offset{}, fmt.Errorf("offset %q: out of range", s)
	}
	return Offset{N: n, Unit: unit}, nil
}

// String prints the offset in the form ParseOffset reads, with its sign
// ("-3m", "+1m", "0d"): the stable key of a reminder.
func (o Offset) String() string {
	if o.Unit == 0 {
		return "0d"
	}
	sign := "+"
	if o.N < 0 {
		sign = "-"
	} else if o.N == 0 {
		sign = ""
	}
	n := o.N
	if n < 0 {
		n = -n
	}
	return sign + strconv.Itoa(n) + string(o.Unit)
}

// From returns d moved by the offset.
func (o Offset) From(d Date) Date {
	switch o.Unit {
	case 'w':
		return d.AddDays(7 * o.N)
	case 'm':
		return d.AddMonths(o.N)
	case 'y':
		return d.AddYears(o.N)
	default:
		return d.AddDays(o.N)
	}
}

// ParseOffsets reads a list of offsets and refuses duplicates.
func ParseOffsets(list []string) ([]Offset, error) {
	out := make([]Offset, 0, len(list))
	seen := map[string]bool{}
	for _, s := range list {
		o, err := ParseOffset(s)
		if err != nil {
			return nil, err
		}
		if seen[o.String()] {
			return nil, fmt.Errorf("offset %q is listed twice", s)
		}
		seen[o.String()] = true
		out = append(out, o)
	}
	return out, nil
}
