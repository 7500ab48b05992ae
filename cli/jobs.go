package cli

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"coin/date"
	"coin/jobs"
	"coin/model"
)

// jobList is every scheduled job of coin. The scheduler of `serve`, the
// back office's "Run now" and the commands all run these: to add a job,
// add its line here (and its schedule to config.Jobs).
func (a *app) jobList() []jobs.Job {
	sch := a.cfg.Jobs
	return []jobs.Job{
		{Name: "call-for-membership-fees", Schedule: sch.CallForMembershipFees, Run: a.callForFees},
		{Name: "purge-unverified", Schedule: sch.PurgeUnverified, Run: a.purgeUnverified},
		{Name: "purge-traces", Schedule: sch.PurgeTraces, Quiet: true, Run: a.purgeTraces},
		{Name: "outbox", Schedule: sch.Outbox, Quiet: true, Run: a.sendOutbox},
		{Name: "charge-subscriptions", Schedule: sch.ChargeSubscriptions, Run: a.chargeSubscriptions},
		{Name: "deprovision-resigned", Schedule: sch.DeprovisionResigned, Run: a.deprovisionResigned},
		{Name: "maillists-sync", Schedule: sch.MaillistsSync, Quiet: true, Run: a.syncLists},
		{Name: "backup", Schedule: sch.Backup, Run: a.backupJob},
		{Name: "ldap-sync", Schedule: sch.LDAPSync, Quiet: true, Run: a.ldapSyncDue},
		{Name: "snmp-poll", Schedule: sch.SNMPPoll, Quiet: true, Run: a.snmpPoll},
		{Name: "staff-digest", Schedule: sch.StaffDigest, Run: a.digest.Send},
		{Name: "call-for-payments", Schedule: sch.CallForPayments, Run: a.callForPayments},
		{Name: "enforce-arrears", Schedule: sch.EnforceArrears, Run: a.enforceArrears},
	}
}

// snmpPoll polls the network devices; quiet when there are none.
func (a *app) snmpPoll(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	return a.snmp.PollAll(ctx, dryRun)
}

// ldapSyncDue retries the LDAP entries whose write failed; quiet when
// nothing waited.
func (a *app) ldapSyncDue(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	if a.ldap == nil {
		return "", nil
	}
	return a.ldap.RunDue(ctx, dryRun)
}

func (a *app) syncLists(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	if dryRun || !a.cfg.Maillists.Enabled {
		return "", nil
	}
	return a.lists.SyncDue(ctx)
}

func (a *app) deprovisionResigned(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	if dryRun {
		due, err := a.store.SubscriptionsToDeprovision(ctx, day)
		return fmt.Sprintf("%d subscriptions would be deprovisioned", len(due)), err
	}
	return a.subs.DeprovisionDue(ctx, day)
}

// chargeSubscriptions notes its progress on the run, which the charge page
// of the back office follows.
func (a *app) chargeSubscriptions(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	sum, err := a.billing.Charge(ctx, day, dryRun, func(done, total int) { jobs.Progress(ctx, done, total) })
	return sum.String(), err
}

func (a *app) callForFees(ctx context.Context, day date.Date, dryRun bool) (string, error) {
	res, err := a.fees.CallForFees(ctx, day, dryRun)
	return res.Summary(), err
}

func (a *app) purgeUnverified(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	var logins []string
	var err error
	verb := "deleted"
	if dryRun {
		logins, err = a.accounts.UnverifiedToPurge(ctx, time.Now())
		verb = "would be deleted (dry run)"
	} else {
		logins, err = a.accounts.PurgeUnverified(ctx, time.Now())
	}
	summary := fmt.Sprintf("%d unverified %s %s", len(logins), plural(len(logins), "sign-up", "sign-ups"), verb)
	if len(logins) > 0 {
		summary += "\n" + strings.Join(logins, "\n")
	}
	return summary, err
}

// purgeTraces is quiet when there was nothing to forget.
func (a *app) purgeTraces(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	if dryRun {
		return "", nil
	}
	n, err := a.accounts.PurgeTraces(ctx, time.Now())
	if n == 0 || err != nil {
		return "", err
	}
	return fmt.Sprintf("%d expired sessions, old sign-in attempts and limit hits forgotten", n), nil
}

// sendOutbox sends the due e-mails; it says nothing when there were none,
// so that the every-minute runs leave no history.
func (a *app) sendOutbox(ctx context.Context, _ date.Date, dryRun bool) (string, error) {
	if dryRun {
		due, err := a.store.DueMessages(ctx, 100)
		if err != nil || len(due) == 0 {
			return "", err
		}
		return fmt.Sprintf("%d %s due (dry run: none sent)", len(due), plural(len(due), "e-mail", "e-mails")), nil
	}
	sent, failed, err := a.sender.SendDue(ctx)
	if sent+failed == 0 {
		return "", err
	}
	return fmt.Sprintf("%d %s sent, %d failed (retried later)", sent, plural(sent, "e-mail", "e-mails"), failed), err
}

// JobRunFlags are the flags of every job command.
type JobRunFlags struct {
	Date   string `help:"Run as on this day (YYYY-MM-DD) instead of today, e.g. to catch up." placeholder:"YYYY-MM-DD"`
	DryRun bool   `help:"Show what the job would do, change nothing." name:"dry-run"`
}

// runJob runs a job from the command line, as the scheduler would, and
// prints its summary. A failed run exits non-zero.
func runJob(g *Globals, name string, f JobRunFlags) error {
	day, err := date.Parse(strings.TrimSpace(f.Date))
	if err != nil {
		return fmt.Errorf("--date: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return g.withApp(ctx, nil, func(a *app) error {
		run, err := a.jobs.Run(ctx, name, jobs.Options{Day: day, DryRun: f.DryRun, Trigger: model.TriggerCLI})
		if errors.Is(err, jobs.ErrBusy) {
			return fmt.Errorf("%s is already running (in `coin serve` or another command): try again later", name)
		}
		if run == nil {
			return err
		}
		if run.Summary != "" {
			fmt.Fprintln(g.Stdout, run.Summary)
		}
		if err != nil {
			return fmt.Errorf("%s failed: %v", name, err)
		}
		return nil
	})
}

// StaffDigestCmd sends each staff member the day's digest of what needs them.
type StaffDigestCmd struct {
	JobRunFlags
}

func (c *StaffDigestCmd) Run(g *Globals) error {
	return runJob(g, "staff-digest", c.JobRunFlags)
}

// CallForMembershipFeesCmd sends the membership fee reminders due.
type CallForMembershipFeesCmd struct {
	JobRunFlags
}

func (c *CallForMembershipFeesCmd) Run(g *Globals) error {
	return runJob(g, "call-for-membership-fees", c.JobRunFlags)
}

// JobsCmd lists and runs the scheduled jobs.
type JobsCmd struct {
	List JobsListCmd `cmd:"" default:"withargs" help:"List the jobs, their schedule and last run (the default)."`
	Run  JobsRunCmd  `cmd:"" help:"Run a job now, as the scheduler would."`
}

type JobsListCmd struct{}

func (JobsListCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		last, err := a.store.LastJobRuns(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "JOB\tSCHEDULE\tLAST RUN\tRESULT")
		for _, j := range a.jobs.Jobs() {
			sched, when, result := j.Schedule, "never", ""
			if sched == "" {
				sched = "(command only)"
			}
			if r := last[j.Name]; r != nil {
				when = r.StartedAt.In(a.cfg.Location()).Format("2006-01-02 15:04")
				result = r.Status + " " + jobs.FirstLine(r.Summary)
				if r.Error != "" {
					result = r.Status + ": " + jobs.FirstLine(r.Error)
				}
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", j.Name, sched, when, result)
		}
		return w.Flush()
	})
}

type JobsRunCmd struct {
	Name string `arg:"" help:"The job: call-for-membership-fees, purge-unverified, outbox…"`
	JobRunFlags
}

func (c *JobsRunCmd) Run(g *Globals) error { return runJob(g, c.Name, c.JobRunFlags) }

func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}
