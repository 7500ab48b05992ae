// Package config loads isp.toml and the COIN_* environment overrides.
//
// Every key has a default here, is documented in isp.example.toml, and can
// be overridden by COIN_<SECTION>_<KEY> (COIN_DATABASE_URL for the database).
// A file with an unknown key or a bad value is refused with one line naming it.
package config

import "time"

// Config is the whole of isp.toml.
type Config struct {
	Server     Server     `toml:"server" envPrefix:"SERVER_"`
	Database   Database   `toml:"database" envPrefix:"DATABASE_"`
	Mail       Mail       `toml:"mail" envPrefix:"MAIL_"`
	Members    Members    `toml:"members" envPrefix:"MEMBERS_"`
	Services   Services   `toml:"services" envPrefix:"SERVICES_"`
	Billing    Billing    `toml:"billing" envPrefix:"BILLING_"`
	ISPDB      ISPDB      `toml:"ispdb" envPrefix:"ISPDB_"`
	Fees       Fees       `toml:"fees" envPrefix:"FEES_"`
	Jobs       Jobs       `toml:"jobs" envPrefix:"JOBS_"`
	Hardware   Hardware   `toml:"hardware" envPrefix:"HARDWARE_"`
	Maillists  Maillists  `toml:"maillists" envPrefix:"MAILLISTS_"`
	Bank       Bank       `toml:"bank" envPrefix:"BANK_"`
	SEPA       SEPA       `toml:"sepa" envPrefix:"SEPA_"`
	IP         IP         `toml:"ip" envPrefix:"IP_"`
	Accounting Accounting `toml:"accounting" envPrefix:"ACCOUNTING_"`
	Backup     Backup     `toml:"backup" envPrefix:"BACKUP_"`
	LDAP       LDAP       `toml:"ldap" envPrefix:"LDAP_"`
	SNMP       SNMP       `toml:"snmp" envPrefix:"SNMP_"`
	Receipts   Receipts   `toml:"receipts" envPrefix:"RECEIPTS_"`
	Metrics    Metrics    `toml:"metrics" envPrefix:"METRICS_"`
	// Collections: reminders of unpaid invoices, suspension for arrears.
	Collections Collections `toml:"collections" envPrefix:"COLLECTIONS_"`
	Stripe      Stripe      `toml:"stripe" envPrefix:"STRIPE_"`

	// Path is the file the configuration was read from ("" for defaults only).
	Path string `toml:"-" env:"-"`
	// Demo is set by `serve --demo`: demo banner, mail kept in the outbox.
	Demo bool `toml:"-" env:"-"`

	// zone keeps the loaded time zone: every request asks for it, and
	// time.LoadLocation reads and parses the zone file each time.
	zone *zoneCache
}

// Default returns the configuration used when a key is not set.
func Default() Config {
	return Config{
		zone: &zoneCache{},
		Server: Server{
			Addr:            "127.0.0.1:8080",
			DataDir:         "data",
			Timezone:        "Europe/Paris",
			DefaultLanguage: "fr",
			SessionLifetime: 14 * 24 * time.Hour,
		},
		Mail: Mail{
			Host:     "localhost",
			Port:     25,
			Security: "none",
			From:     "coin@localhost",
			Timeout:  30 * time.Second,
		},
		Members: Members{
			AccountActivationDays: 7,
			MemberCanEditProfile:  true,
		},
		Billing: Billing{
			Currency:                      "EUR",
			PaymentDelay:                  30,
			InvoicesIncludeConfigComments: true,
			InvoiceNumberFormat:           "YYYY-NNNNNN",
			CreditNoteNumberFormat:        "AV-YYYY-NNNNNN",
			DefaultTaxRate:                "0",
			VATMention:                    "TVA non applicable, art. 293 B du CGI",
		},
		Services: Services{
			Enabled:               append([]string(nil), BuiltinBackends...),
			MemberCanEditVPNConf:  true,
			SubscriptionReference: "{{.Offer.Reference}}-{{.ID}}",
			HookTimeout:           30 * time.Second,
			StateCache:            time.Minute,
		},
		ISPDB: ISPDB{MaxAge: time.Hour},
		Fees: Fees{
			DefaultMembershipFee:       "15.00",
			MembershipReference:        "ADH-{{.ID}}",
			MembershipFeeReminderDates: []string{"-3m", "-2m", "-1m", "0d", "+1m"},
		},
		Jobs: Jobs{
			ChargeSubscriptions:   "59 23 * * *",
			CallForMembershipFees: "42 3 * * *",
			StaffDigest:           "30 7 * * *",
			PurgeUnverified:       "17 4 * * *",
			PurgeTraces:           "23 * * * *",
			Outbox:                "* * * * *",
			DeprovisionResigned:   "5 0 * * *",
			MaillistsSync:         "*/5 * * * *",
			Backup:                "30 2 * * *",
			LDAPSync:              "* * * * *",
			SNMPPoll:              "*/5 * * * *",
			CallForPayments:       "12 9 * * *",
			EnforceArrears:        "48 9 * * *",
		},
		Collections: DefaultCollections,
		Backup:      Backup{KeepDaily: 7, KeepWeekly: 4},
		LDAP:        DefaultLDAP,
		SNMP:        SNMP{Retention: 7 * 24 * time.Hour, Timeout: 2 * time.Second},
		Hardware:    Hardware{Enabled: true},
		Maillists:   Maillists{Enabled: true, SyncTimeout: 30 * time.Second},
		IP: IP{
			AllocationMessage: "{{.Action}} {{.Subnet}} ({{.Pool}}) for {{or .Member \"nobody\"}}, subscription {{or .Subscription \"none\"}}",
			ReleaseGraceDays:  30,
		},
		Bank: Bank{MaxFileSize: 5 << 20, DefaultProfile: "camt053", Profiles: map[string]BankProfile{
			"credit_mutuel":     CreditMutuelProfile,
			"la_banque_postale": BanquePostaleProfile,
		}},
		SEPA: SEPA{LeadDays: 2},
		Accounting: Accounting{JournalSales: "VE", JournalSalesLabel: "Ventes", JournalBank: "BQ",
			JournalBankLabel: "Banque", JournalCash: "CA", JournalCashLabel: "Caisse", AccountCash: "530", AccountCustomers: "411", AccountSales: "706", AccountBank: "512",
			AccountMembershipFees: "756", AccountVAT: "44571", FECSeparator: "|",
			AccountDonations: "7541", AccountOtherIncome: "758", AccountBankFees: "627", AccountExpenses: "606"},
	}
}
