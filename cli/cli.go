// Package cli is the `coin` command line: one small type per command, each
// loading the configuration and calling the domain packages. Errors end the
// command with a one-line message and a non-zero status; usage errors with
// status 2.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kong"
)

// Globals are the flags every command accepts.
type Globals struct {
	Config string `help:"Path to isp.toml (default: $COIN_CONFIG, else built-in defaults)." type:"path" placeholder:"FILE"`

	// Filled by Run, not flags.
	Stdin   io.Reader `kong:"-"`
	Stdout  io.Writer `kong:"-"`
	Stderr  io.Writer `kong:"-"`
	Environ []string  `kong:"-"`
}

// CLI is the grammar of `coin`.
type CLI struct {
	Globals

	Serve           ServeCmd           `cmd:"" help:"Run the web server and the scheduled jobs."`
	Migrate         MigrateCmd         `cmd:"" help:"Apply or inspect database migrations."`
	Createsuperuser CreateSuperuserCmd `cmd:"" name:"createsuperuser" help:"Create an administrator account."`
	Demo            DemoCmd            `cmd:"" help:"Load demo data into the configured database."`
	Check           CheckCmd           `cmd:"" help:"Check the configuration, templates and database; exit non-zero with the reason."`
	PurgeUnverified PurgeUnverifiedCmd `cmd:"" name:"purge-unverified" help:"Delete sign-ups whose e-mail address was not verified in time."`
	StaffDigest     StaffDigestCmd     `cmd:"" name:"staff-digest" help:"E-mail each staff member what needs them today (sign-ups, failed hooks and list pushes, unmatched payments, overdue invoices)."`
	PurgeTraces     PurgeTracesCmd     `cmd:"" name:"purge-traces" help:"Forget expired sessions, old sign-in attempts and old hits on the limits of public forms."`
	Charge          ChargeCmd          `cmd:"" name:"charge-subscriptions" help:"Invoice every subscription period due (idempotent)."`
	OfferCount      OfferCountCmd      `cmd:"" name:"offer-subscriptions-count" help:"Count active subscriptions per offer."`
	Deprovision     DeprovisionCmd     `cmd:"" name:"deprovision-resigned" help:"Run the deprovision hook of subscriptions whose resign date has come."`
	DemoHook        DemoHookCmd        `cmd:"" name:"demo-hook" hidden:"" help:"Provisioning hook used by the demo: prints what it would do."`
	ISPJSON         ISPJSONCmd         `cmd:"" name:"isp-json" help:"Print the ISP's isp.json document for db.ffdn.org (or write it to a file)."`
	Templates       TemplatesCmd       `cmd:"" help:"List the overridable templates, or copy one into the overrides folder."`

	CallForMembershipFees CallForMembershipFeesCmd `cmd:"" name:"call-for-membership-fees" help:"E-mail the membership fee reminders due (each is sent once)."`
	CallForPayments       CallForPaymentsCmd       `cmd:"" name:"call-for-payments" help:"E-mail the reminders of unpaid invoices due ([collections] reminder_days; each is sent once)."`
	EnforceArrears        EnforceArrearsCmd        `cmd:"" name:"enforce-arrears" help:"Notice, suspend and restore the subscriptions of members in arrears ([collections])."`
	Jobs                  JobsCmd                  `cmd:"" help:"List the scheduled jobs and their last run, or run one now."`
	MaillistsSync         MaillistsSyncCmd         `cmd:"" name:"maillists-sync" help:"Push every mailing list (or one) to the list server with maillists.sync_command."`
	MembersEmail          MembersEmailCmd          `cmd:"" name:"members-email" help:"Print members' e-mail addresses, one a line, with filters."`
	ReverseDNS            ReverseDNSCmd            `cmd:"" name:"reverse-dns" help:"Print the reverse DNS records (PTR, delegations) of an IP pool, or a whole zone file."`
	Import                ImportCmd                `cmd:"" help:"Import members, membership fees or subscriptions from another system's CSV export (nothing written while a line is bad)."`
	ImportPayments        ImportPaymentsCmd        `cmd:"" name:"import-payments" help:"Import a bank statement (CSV profile or CAMT.053): match its credit lines and record the payments."`
	SEPADebit             SEPADebitCmd             `cmd:"" name:"sepa-debit" help:"Write the SEPA direct debit file (pain.008) collecting the open invoices of members with a mandate."`
	ExportAccounting      ExportAccountingCmd      `cmd:"" name:"export-accounting" help:"Export invoices, credit notes and payments of a period as CSV or FEC."`
	ClosePeriod           ClosePeriodCmd           `cmd:"" name:"close-period" help:"Close a month (YYYY-MM) or a year (YYYY): nothing can be dated into it afterwards."`
	Backup                BackupCmd                `cmd:"" help:"Write a backup archive of the SQLite database, while serve runs (on PostgreSQL: how to use pg_dump)."`
	LDAPSync              LDAPSyncCmd              `cmd:"" name:"ldap-sync" help:"Reconcile the LDAP tree with the VPN and DSL configurations (creates, updates, disables)."`
	Restore               RestoreCmd               `cmd:"" help:"Restore a backup archive into an empty data directory (never overwrites)."`
	Dump                  DumpCmd                  `cmd:"" help:"Write the whole database as a portable archive (zip of JSON lines), while serve runs."`
	Load                  LoadCmd                  `cmd:"" help:"Load a dump archive into an empty database, SQLite or PostgreSQL (e.g. to move to PostgreSQL)."`
	APIToken              APITokenCmd              `cmd:"" name:"api-token" help:"Create, list or revoke the personal access tokens of the REST API."`
	Version               VersionCmd               `cmd:"" help:"Print the version."`
}

// exitCode carries kong's request to exit (after --help) out of Parse.
type exitCode int

// Run runs the command line args (without the program name) and returns the
// process exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) (status int) {
	var cli CLI
	cli.Stdin, cli.Stdout, cli.Stderr, cli.Environ = stdin, stdout, stderr, environ
	parser, err := kong.New(&cli,
		kong.Name("coin"),
		kong.Description("Member, subscription, billing and network information system of associative ISPs."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": Version()},
	)
	if err != nil {
		fmt.Fprintln(stderr, "coin:", err)
		return 1
	}
	defer func() {
		if r := recover(); r != nil {
			code, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			status = int(code)
		}
	}()
	ctx, err := parser.Parse(args)
	if err != nil {
		var pe *kong.ParseError
		fmt.Fprintln(stderr, "coin: error:", err)
		if errors.As(err, &pe) && pe.Context != nil {
			pe.Context.Stdout = stderr
			pe.Context.PrintUsage(true)
		}
		return 2
	}
	if err := ctx.Run(&cli.Globals); err != nil {
		var se statusError
		if errors.As(err, &se) {
			return int(se)
		}
		fmt.Fprintln(stderr, "coin:", err)
		return 1
	}
	return 0
}

// statusError lets a command choose its exit status.
type statusError int

func (s statusError) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// Main is the program entry point.
func Main() {
	os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
