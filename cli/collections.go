package cli

import (
	"context"
	"fmt"

	"coin/date"
)

func (a *app) callForPayments(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	res, err := a.collect.CallForPayments(ctx, day, dryRun)
	return res.Summary(), err
}

func (a *app) enforceArrears(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	res, err := a.collect.EnforceArrears(ctx, day, dryRun)
	return res.Summary(), err
}

// CallForPaymentsCmd sends the reminders of unpaid invoices due.
type CallForPaymentsCmd struct {
	JobRunFlags
}

func (c *CallForPaymentsCmd) Run(g *Globals) error {
	return runJob(g, "call-for-payments", c.JobRunFlags)
}

// EnforceArrearsCmd notices, suspends and restores members in arrears.
type EnforceArrearsCmd struct {
	JobRunFlags
}

func (c *EnforceArrearsCmd) Run(g *Globals) error { return runJob(g, "enforce-arrears", c.JobRunFlags) }

// demoCollections runs call-for-payments over the last 60 days of the demo
// data, as the daily job would have, so that the overdue page shows
// reminders sent (the demo holds its e-mails in the outbox).
func (a *app) demoCollections(ctx context.Context) error {
	today := date.Today(a.cfg.Location())
	for day := today.AddDays(-60); !day.After(today); day = day.AddDays(1) {
		if _, err := a.collect.CallForPayments(ctx, day, false); err != nil {
			return fmt.Errorf("demo reminders on %s: %w", day, err)
		}
	}
	return nil
}
