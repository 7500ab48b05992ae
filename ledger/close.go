package ledger

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"coin/date"
	"coin/store"
)

// ErrBadPeriod is returned for a period that is not YYYY-MM or YYYY.
var ErrBadPeriod = errors.New("a period is a month (YYYY-MM) or a year (YYYY)")

// ErrPeriodNotOver is returned when closing a period that has not ended.
var ErrPeriodNotOver = errors.New("the period has not ended yet")

// ErrAlreadyClosed is returned when closing a period closed already.
var ErrAlreadyClosed = errors.New("the period is closed already")

var periodRE = regexp.MustCompile(`^([0-9]{4})(?:-([0-9]{2}))?$`)

// ParsePeriod reads "2026-03" (a month) or "2026" (a year, the fiscal year
// being the calendar year) into its first and last day.
func ParsePeriod(s string) (start, end date.Date, err error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return start, end, fmt.Errorf("%q: %w", s, ErrBadPeriod)
	}
	year, _ := strconv.Atoi(m[1])
	if m[2] == "" {
		start = date.New(year, time.January, 1)
		return start, start.AddYears(1).AddDays(-1), nil
	}
	month, _ := strconv.Atoi(m[2])
	if month < 1 || month > 12 {
		return start, end, fmt.Errorf("%q: %w", s, ErrBadPeriod)
	}
	start = date.New(year, time.Month(month), 1)
	return start, start.AddMonths(1).AddDays(-1), nil
}

// Close closes a period (see ParsePeriod) that has ended: from then on no
// payment, fee, bank line, invoice or credit note can be dated into it
// (CheckOpen refuses, whoever writes). It waits for the writes in progress
// (PostgreSQL) and is in the accounting log.
func (b *Books) Close(ctx context.Context, st *store.Store, period, actor string) (*store.ClosedPeriod, error) {
	start, end, err := ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	today := date.Of(st.Now().In(b.Cfg.Location()))
	if !end.Before(today) {
		return nil, fmt.Errorf("close %s: %w (it ends on %s)", period, ErrPeriodNotOver, end)
	}
	p := &store.ClosedPeriod{Period: period, Start: start, End: end, ClosedBy: actor}
	err = st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockPeriods(ctx, true); err != nil {
			return err
		}
		if prev, err := tx.ClosedPeriodOn(ctx, start); err != nil {
			return err
		} else if prev != nil && !prev.Start.After(start) && !prev.End.Before(end) {
			return fmt.Errorf("%w (%s)", ErrAlreadyClosed, prev.Period)
		}
		if err := tx.CreateClosedPeriod(ctx, p); errors.Is(err, store.ErrConflict) {
			return ErrAlreadyClosed
		} else if err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "period.closed", Actor: actor,
			Details: period + " " + start.String() + " " + end.String()})
	})
	if err != nil {
		return nil, fmt.Errorf("close %s: %w", period, err)
	}
	return p, nil
}
