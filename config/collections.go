package config

import (
	"fmt"
	"slices"

	"coin/money"
)

// Collections configures the reminders of unpaid invoices and the
// suspension of services for arrears (issue 18).
type Collections struct {
	// ReminderDays are the days after an invoice's due date at which
	// call-for-payments reminds the member, e.g. [7, 21, 45]; the last
	// one carries a PDF letter. Empty: no reminders.
	ReminderDays []int `toml:"reminder_days" env:"REMINDER_DAYS"`
	// SuspendThreshold is an amount in the billing currency, as a decimal
	// ("50.00", not cents): a member owing more than it on invoices due
	// more than SuspendAfterDays ago has their subscriptions suspended.
	// "" turns suspension off.
	SuspendThreshold string `toml:"suspend_threshold" env:"SUSPEND_THRESHOLD"`
	// SuspendAfterDays is how long after its due date an unpaid invoice
	// counts towards suspension.
	SuspendAfterDays int `toml:"suspend_after_days" env:"SUSPEND_AFTER_DAYS"`
	// NoticeDays is how many days before the suspension the notice e-mail
	// goes out; the suspension waits for at least that long after it.
	NoticeDays int `toml:"notice_days" env:"NOTICE_DAYS"`
}

// DefaultCollections are the defaults: reminders on, suspension off.
var DefaultCollections = Collections{ReminderDays: []int{7, 21, 45}, SuspendAfterDays: 60, NoticeDays: 8}

// Suspends tells whether suspension for arrears is on.
func (c Collections) Suspends() bool { return c.SuspendThreshold != "" }

// ThresholdCents is SuspendThreshold in cents (validated by Load).
func (c Collections) ThresholdCents() int64 {
	n, _ := money.Parse(c.SuspendThreshold)
	return n
}

// Days is ReminderDays sorted.
func (c Collections) Days() []int {
	d := slices.Clone(c.ReminderDays)
	slices.Sort(d)
	return slices.Compact(d)
}

func (c *Collections) validate() error {
	for _, d := range c.ReminderDays {
		if d < 0 || d > 3650 {
			return fmt.Errorf("collections.reminder_days: %d is not a number of days after the due date", d)
		}
	}
	if c.SuspendThreshold != "" {
		if n, err := money.Parse(c.SuspendThreshold); err != nil || n < 0 {
			return fmt.Errorf("collections.suspend_threshold: %q is not an amount such as \"50.00\"", c.SuspendThreshold)
		}
	}
	if c.SuspendAfterDays < 0 || c.NoticeDays < 0 {
		return fmt.Errorf("collections: suspend_after_days and notice_days must not be negative")
	}
	return nil
}
