package cli

import (
	"context"

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
