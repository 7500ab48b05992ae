package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "isp.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExampleFileLoadsAndMatchesDefaults(t *testing.T) {
	cfg, err := Load("../isp.example.toml", nil)
	if err != nil {
		t.Fatalf("isp.example.toml: %v", err)
	}
	def := Default()
	if cfg.Server.Addr != def.Server.Addr || cfg.Server.SessionLifetime != def.Server.SessionLifetime ||
		cfg.Mail.Timeout != def.Mail.Timeout || cfg.Members.AccountActivationDays != def.Members.AccountActivationDays ||
		cfg.ISPDB.MaxAge != def.ISPDB.MaxAge {
		t.Fatalf("example differs from defaults: %+v", cfg)
	}
}

func TestUnknownKeyNamesKeyAndLine(t *testing.T) {
	p := write(t, "[server]\naddr = \"127.0.0.1:9000\"\n\n[members]\nregistration_opn = true\n")
	_, err := Load(p, nil)
	if err == nil || !strings.Contains(err.Error(), ":5: unknown key members.registration_opn") {
		t.Fatalf("got %v", err)
	}
}

func TestBadValueNamesKeyAndLine(t *testing.T) {
	p := write(t, "[mail]\nport = \"twenty-five\"\n")
	_, err := Load(p, nil)
	if err == nil || !strings.Contains(err.Error(), ":2:") || !strings.Contains(err.Error(), "port") {
		t.Fatalf("got %v", err)
	}
	p = write(t, "[server]\ntimezone = \"Mars/Olympus\"\n")
	if _, err = Load(p, nil); err == nil || !strings.Contains(err.Error(), "server.timezone") {
		t.Fatalf("got %v", err)
	}
	p = write(t, "[server\n")
	if _, err = Load(p, nil); err == nil || !strings.Contains(err.Error(), "isp.toml:") {
		t.Fatalf("syntax error: %v", err)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	p := write(t, "[server]\naddr = \"127.0.0.1:9000\"\n[members]\nregistration_open = false\n")
	cfg, err := Load(p, []string{"COIN_SERVER_ADDR=0.0.0.0:80", "COIN_MEMBERS_REGISTRATION_OPEN=true",
		"COIN_DATABASE_URL=postgres://u@db/coin", "COIN_SERVER_SESSION_LIFETIME=1h",
		"COIN_MEMBERS_SUBSCRIPTIONS_NOTIFICATION_EMAILS=a@x.org,b@x.org", "PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "0.0.0.0:80" || !cfg.Members.RegistrationOpen || cfg.Server.SessionLifetime != time.Hour ||
		len(cfg.Members.SubscriptionsNotificationEmails) != 2 {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
	if d, dsn, _ := cfg.DatabaseTarget(); d != "postgres" || dsn != "postgres://u@db/coin" {
		t.Fatalf("database: %s %s", d, dsn)
	}
	_, err = Load(p, []string{"COIN_MAIL_PORT=abc"})
	if err == nil || !strings.Contains(err.Error(), "COIN_MAIL_PORT") {
		t.Fatalf("bad env value: %v", err)
	}
}

func TestDatabaseTargets(t *testing.T) {
	c := Default()
	c.Server.DataDir = "/var/lib/coin"
	if d, dsn, _ := c.DatabaseTarget(); d != "sqlite" || dsn != "/var/lib/coin/coin.db" {
		t.Fatalf("default: %s %s", d, dsn)
	}
	c.Database.URL = "sqlite:other.db"
	if _, dsn, _ := c.DatabaseTarget(); dsn != "/var/lib/coin/other.db" {
		t.Fatalf("relative: %s", dsn)
	}
	c.Database.URL = "mysql://x"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "database.url") {
		t.Fatalf("mysql accepted: %v", err)
	}
}

func TestBasePathNormalised(t *testing.T) {
	c := Default()
	c.Server.BasePath = "coin/"
	if err := c.Validate(); err != nil || c.Server.BasePath != "/coin" || c.URL("/x") != "/coin/x" {
		t.Fatalf("%q %v", c.Server.BasePath, err)
	}
	c.Server.SecretKey = "short"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "server.secret_key") {
		t.Fatalf("short secret: %v", err)
	}
}

func TestISPDBMaxAge(t *testing.T) {
	cfg, err := Load("", []string{"COIN_ISPDB_MAX_AGE=6h"})
	if err != nil || cfg.ISPDB.MaxAge != 6*time.Hour {
		t.Fatalf("env: %v %s", err, cfg.ISPDB.MaxAge)
	}
	p := write(t, "[ispdb]\nmax_age = \"1s\"\n")
	if _, err := Load(p, nil); err == nil || !strings.Contains(err.Error(), "ispdb.max_age") {
		t.Fatalf("1s accepted: %v", err)
	}
}

func TestFeesAndJobsSettings(t *testing.T) {
	cfg, err := Load("../isp.example.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if cfg.Fees.DefaultFeeCents() != 1500 || len(cfg.Fees.ReminderOffsets()) != 5 ||
		cfg.Jobs != def.Jobs || cfg.Fees.MembershipReference != def.Fees.MembershipReference {
		t.Fatalf("example differs from defaults: %+v %+v", cfg.Fees, cfg.Jobs)
	}
	cases := map[string]string{
		"[jobs]\noutbox = \"61 * * * *\"\n":                              "jobs.outbox:",
		"[jobs]\ncall_for_membership_fees = \"daily\"\n":                 "jobs.call_for_membership_fees:",
		"[jobs]\npurge_unverified = \"TZ=UTC 0 3 * * *\"\n":              "jobs.purge_unverified:",
		"[fees]\ndefault_membership_fee = \"fifteen\"\n":                 "fees.default_membership_fee:",
		"[fees]\nmembership_reference = \"ADH-{{.Nope}}\"\n":             "fees.membership_reference: template",
		"[fees]\nmembership_reference = \"ADH-{{.ID\"\n":                 "fees.membership_reference:",
		"[fees]\nmembership_reference = \"{{if false}}x{{end}}\"\n":      "fees.membership_reference: gives an empty",
		"[fees]\nmembership_fee_reminder_dates = [\"-3m\", \"-3q\"]\n":   "fees.membership_fee_reminder_dates: offset \"-3q\"",
		"[fees]\nmembership_fee_reminder_dates = [\"-1m\", \"-1m\"]\n":   "listed twice",
		"[fees]\nmember_membership_info_url = \"javascript:alert(1)\"\n": "fees.member_membership_info_url:",
	}
	for body, want := range cases {
		if _, err := Load(write(t, body), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", body, err, want)
		}
	}
	// An empty schedule turns the job's schedule off; the environment wins.
	cfg, err = Load(write(t, "[jobs]\noutbox = \"\"\n"), []string{"COIN_JOBS_CALL_FOR_MEMBERSHIP_FEES=0 6 * * 1",
		"COIN_FEES_MEMBERSHIP_FEE_REMINDER_DATES=-1m,+1m"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Jobs.Outbox != "" || cfg.Jobs.CallForMembershipFees != "0 6 * * 1" || len(cfg.Fees.ReminderOffsets()) != 2 {
		t.Fatalf("got %+v %+v", cfg.Jobs, cfg.Fees)
	}
}

func TestMaillistsSettings(t *testing.T) {
	def := Default()
	if !def.Hardware.Enabled || !def.Maillists.Enabled || def.Maillists.SyncTimeout != 30*time.Second {
		t.Fatalf("defaults: %+v %+v", def.Hardware, def.Maillists)
	}
	ex, err := Load("../isp.example.toml", nil)
	if err != nil || ex.Hardware != def.Hardware || ex.Maillists.SyncTimeout != def.Maillists.SyncTimeout ||
		!ex.Maillists.Enabled || len(ex.Maillists.SyncCommand) != 0 || len(ex.Maillists.AutoSubscribe) != 0 {
		t.Fatalf("example: %v %+v %+v", err, ex.Hardware, ex.Maillists)
	}
	p := write(t, "[maillists]\nsync_command = [\"/usr/bin/sync\", \"--list\", \"{short_name}\"]\nauto_subscribe = [\"adherents\"]\n[hardware]\nenabled = false\n")
	cfg, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Maillists.SyncCommand) != 3 || cfg.Maillists.SyncCommand[2] != "{short_name}" || cfg.Hardware.Enabled {
		t.Fatalf("loaded %+v %+v", cfg.Maillists, cfg.Hardware)
	}
	for body, want := range map[string]string{
		"[maillists]\nsync_command = [\"\", \"x\"]\n":      "maillists.sync_command",
		"[maillists]\nsync_command = [\"  \"]\n":           "maillists.sync_command",
		"[maillists]\nsync_timeout = \"10ms\"\n":           "maillists.sync_timeout",
		"[maillists]\nauto_subscribe = [\"Not A Name\"]\n": "maillists.auto_subscribe",
		"[maillists]\nsync_command = \"/usr/bin/sync\"\n":  "sync_command",
	} {
		if _, err := Load(write(t, body), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error naming %s", body, err, want)
		}
	}
	cfg, err = Load("", []string{"COIN_MAILLISTS_SYNC_COMMAND=/bin/cat,{email}", "COIN_HARDWARE_ENABLED=false"})
	if err != nil || len(cfg.Maillists.SyncCommand) != 2 || cfg.Maillists.SyncCommand[1] != "{email}" || cfg.Hardware.Enabled {
		t.Fatalf("environment: %v %+v", err, cfg.Maillists)
	}
}

func TestBankProfilesSEPAAndAccounting(t *testing.T) {
	cfg, err := Load("../isp.example.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	for name, p := range def.Bank.Profiles {
		if cfg.Bank.Profiles[name] != p {
			t.Errorf("profile %s: example %+v, default %+v", name, cfg.Bank.Profiles[name], p)
		}
	}
	if cfg.Bank.MaxFileSize != def.Bank.MaxFileSize || cfg.SEPA != def.SEPA || cfg.Accounting != def.Accounting {
		t.Errorf("example differs from defaults")
	}
	for body, key := range map[string]string{
		"[bank.profiles.x]\ndelimiter = \";\"\nencoding = \"ebcdic\"\n":                                                     "bank.profiles.x.encoding",
		"[bank.profiles.x]\ndelimiter = \"#\"\n":                                                                            "bank.profiles.x.delimiter",
		"[bank]\ndefault_profile = \"nope\"\n":                                                                              "bank.default_profile",
		"[bank]\nmax_file_size = 10\n":                                                                                      "bank.max_file_size",
		"[sepa]\ncreditor_id = \"FR73ZZZ123456\"\ncreditor_name = \"X\"\n":                                                  "sepa.creditor_id",
		"[sepa]\ncreditor_id = \"FR72ZZZ123456\"\ncreditor_name = \"X\"\n":                                                  "sepa.creditor_iban",
		"[sepa]\ncreditor_id = \"FR72ZZZ123456\"\n":                                                                         "sepa.creditor_name",
		"[sepa]\ncreditor_id = \"FR72ZZZ123456\"\ncreditor_name = \"X\"\ncreditor_iban = \"FR6330003010050000000004217\"\n": "RIB key",
		"[sepa]\ncreditor_id = \"FR72ZZZ123456\"\ncreditor_name = \"X\"\ncreditor_iban = \"FR7630006000011234567890189\"\ncreditor_bic = \"DEUTDEFF\"\n": "sepa.creditor_bic",
		"[accounting]\naccount_bank = \"5 12\"\n": "accounting.account_bank",
		"[accounting]\nfec_separator = \";\"\n":   "accounting.fec_separator",
		"[bank.profiles.y]\ndelimiter = \";\"\nencoding = \"utf-8\"\ndecimal_separator = \",\"\ndate_format = \"2006-01-02\"\nsign = \"credit_positive\"\ndate_column = \"1\"\nlabel_column = \"2\"\n": "bank.profiles.y.amount_column",
	} {
		if _, err := Load(write(t, body), nil); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: got %v, want %s", body, err, key)
		}
	}
	p := write(t, "[sepa]\ncreditor_id = \"fr72 zzz 123456\"\ncreditor_name = \"FAI\"\ncreditor_iban = \"FR76 3000 6000 0112 3456 7890 189\"\ncreditor_bic = \"agrifrpp\"\n")
	cfg, err = Load(p, nil)
	if err != nil || cfg.SEPA.CreditorID != "FR72ZZZ123456" || cfg.SEPA.CreditorIBAN != "FR7630006000011234567890189" || !cfg.SEPA.Enabled() {
		t.Fatalf("sepa: %v %+v", err, cfg.SEPA)
	}
}

func TestBackupSettings(t *testing.T) {
	cfg, err := Load("../isp.example.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Backup != Default().Backup || cfg.Backup.KeepDaily != 7 || cfg.Backup.KeepWeekly != 4 || cfg.Jobs.Backup != "30 2 * * *" {
		t.Fatalf("example differs from defaults: %+v %q", cfg.Backup, cfg.Jobs.Backup)
	}
	if got, want := cfg.BackupDir(), filepath.Join("data", "backups"); got != want {
		t.Errorf("default backup dir %q, want %q", got, want)
	}
	cfg, err = Load("", []string{"COIN_BACKUP_BACKUP_DIR=/srv/backups", "COIN_BACKUP_KEEP_WEEKLY=0"})
	if err != nil || cfg.BackupDir() != "/srv/backups" || cfg.Backup.KeepWeekly != 0 {
		t.Fatalf("environment: %v %+v", err, cfg.Backup)
	}
	for body, want := range map[string]string{
		"[backup]\nkeep_daily = 0\n":     "backup.keep_daily: 0",
		"[backup]\nkeep_weekly = -1\n":   "backup.keep_weekly: -1",
		"[jobs]\nbackup = \"nightly\"\n": "jobs.backup:",
	} {
		if _, err := Load(write(t, body), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
