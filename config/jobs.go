package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Jobs holds the schedules of the jobs `serve` runs, in cron syntax
// ("minute hour day-of-month month day-of-week", or with a sixth field in
// front for seconds) in the ISP's time zone.
// An empty schedule leaves the job to its command and the back office.
type Jobs struct {
	ChargeSubscriptions   string `toml:"charge_subscriptions" env:"CHARGE_SUBSCRIPTIONS"`
	CallForMembershipFees string `toml:"call_for_membership_fees" env:"CALL_FOR_MEMBERSHIP_FEES"`
	PurgeUnverified       string `toml:"purge_unverified" env:"PURGE_UNVERIFIED"`
	PurgeTraces           string `toml:"purge_traces" env:"PURGE_TRACES"`
	Outbox                string `toml:"outbox" env:"OUTBOX"`
	DeprovisionResigned   string `toml:"deprovision_resigned" env:"DEPROVISION_RESIGNED"`
	MaillistsSync         string `toml:"maillists_sync" env:"MAILLISTS_SYNC"`
	Backup                string `toml:"backup" env:"BACKUP"`
	LDAPSync              string `toml:"ldap_sync" env:"LDAP_SYNC"`
	SNMPPoll              string `toml:"snmp_poll" env:"SNMP_POLL"`
	StaffDigest           string `toml:"staff_digest" env:"STAFF_DIGEST"`
	CallForPayments       string `toml:"call_for_payments" env:"CALL_FOR_PAYMENTS"`
	EnforceArrears        string `toml:"enforce_arrears" env:"ENFORCE_ARREARS"`
}

// Schedules maps each job's name (its command) to its schedule; the
// configuration key is the name with underscores. A new job adds a field
// above and a line here.
func (j Jobs) Schedules() map[string]string {
	return map[string]string{
		"charge-subscriptions":     j.ChargeSubscriptions,
		"call-for-membership-fees": j.CallForMembershipFees,
		"purge-unverified":         j.PurgeUnverified,
		"purge-traces":             j.PurgeTraces,
		"outbox":                   j.Outbox,
		"deprovision-resigned":     j.DeprovisionResigned,
		"maillists-sync":           j.MaillistsSync,
		"backup":                   j.Backup,
		"ldap-sync":                j.LDAPSync,
		"snmp-poll":                j.SNMPPoll,
		"staff-digest":             j.StaffDigest,
		"call-for-payments":        j.CallForPayments,
		"enforce-arrears":          j.EnforceArrears,
	}
}

func (j Jobs) validate(loc *time.Location) error {
	names := make([]string, 0, 4)
	schedules := j.Schedules()
	for name := range schedules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		expr := strings.TrimSpace(schedules[name])
		if expr == "" {
			continue
		}
		key := "jobs." + strings.ReplaceAll(name, "-", "_")
		if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
			return fmt.Errorf("%s: %q: leave out TZ=, jobs run in server.timezone", key, expr)
		}
		if err := gocron.NewDefaultCron(true).IsValid(expr, loc, time.Now()); err != nil {
			return fmt.Errorf("%s: %q is not a cron schedule such as \"42 3 * * *\": %v", key, expr, cronReason(err))
		}
	}
	return nil
}

// cronReason is the parser's complaint without gocron's generic prefix.
func cronReason(err error) string {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		if errs := joined.Unwrap(); len(errs) > 1 {
			return errs[len(errs)-1].Error()
		}
	}
	return err.Error()
}
