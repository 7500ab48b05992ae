// Package config loads isp.toml and the COIN_* environment overrides.
//
// Every key has a default here, is documented in isp.example.toml, and can
// be overridden by COIN_<SECTION>_<KEY> (COIN_DATABASE_URL for the database).
// A file with an unknown key or a bad value is refused with one line naming it.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/caarlos0/env/v11"
	"github.com/go-co-op/gocron/v2"

	"coin/date"
	"coin/iban"
	"coin/money"
	"coin/numbering"
)

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

	// Path is the file the configuration was read from ("" for defaults only).
	Path string `toml:"-" env:"-"`
	// Demo is set by `serve --demo`: demo banner, mail kept in the outbox.
	Demo bool `toml:"-" env:"-"`
}

// Server holds the HTTP side.
type Server struct {
	Addr            string        `toml:"addr" env:"ADDR"`
	PublicURL       string        `toml:"public_url" env:"PUBLIC_URL"`
	BasePath        string        `toml:"base_path" env:"BASE_PATH"`
	SecretKey       string        `toml:"secret_key" env:"SECRET_KEY"`
	DataDir         string        `toml:"data_dir" env:"DATA_DIR"`
	OverridesDir    string        `toml:"overrides_dir" env:"OVERRIDES_DIR"`
	Timezone        string        `toml:"timezone" env:"TIMEZONE"`
	DefaultLanguage string        `toml:"default_language" env:"DEFAULT_LANGUAGE"`
	SessionLifetime time.Duration `toml:"session_lifetime" env:"SESSION_LIFETIME"`
	TrustedProxies  []string      `toml:"trusted_proxies" env:"TRUSTED_PROXIES"`
}

// Database says where the data lives.
type Database struct {
	URL string `toml:"url" env:"URL"`
}

// Mail holds the SMTP settings.
type Mail struct {
	Host     string        `toml:"host" env:"HOST"`
	Port     int           `toml:"port" env:"PORT"`
	Security string        `toml:"security" env:"SECURITY"`
	Username string        `toml:"username" env:"USERNAME"`
	Password string        `toml:"password" env:"PASSWORD"`
	From     string        `toml:"from" env:"FROM"`
	Timeout  time.Duration `toml:"timeout" env:"TIMEOUT"`
}

// Members holds membership and registration rules.
type Members struct {
	RegistrationOpen                bool     `toml:"registration_open" env:"REGISTRATION_OPEN"`
	AccountActivationDays           int      `toml:"account_activation_days" env:"ACCOUNT_ACTIVATION_DAYS"`
	MemberCanEditProfile            bool     `toml:"member_can_edit_profile" env:"MEMBER_CAN_EDIT_PROFILE"`
	SubscriptionsNotificationEmails []string `toml:"subscriptions_notification_emails" env:"SUBSCRIPTIONS_NOTIFICATION_EMAILS"`
}

// Services holds the configuration backends and their provisioning hooks.
type Services struct {
	Enabled               []string      `toml:"enabled" env:"ENABLED"`
	MemberCanEditVPNConf  bool          `toml:"member_can_edit_vpn_conf" env:"MEMBER_CAN_EDIT_VPN_CONF"`
	SubscriptionReference string        `toml:"subscription_reference" env:"SUBSCRIPTION_REFERENCE"`
	HookTimeout           time.Duration `toml:"hook_timeout" env:"HOOK_TIMEOUT"`
	StateCache            time.Duration `toml:"state_cache" env:"STATE_CACHE"`
	Hooks                 Hooks         `toml:"hooks" envPrefix:"HOOKS_"`
}

// Billing holds invoicing and payment rules.
type Billing struct {
	Currency                      string    `toml:"currency" env:"CURRENCY"`
	PaymentDelay                  int       `toml:"payment_delay" env:"PAYMENT_DELAY"`
	HandleBalance                 bool      `toml:"handle_balance" env:"HANDLE_BALANCE"`
	InvoicesIncludeConfigComments bool      `toml:"invoices_include_config_comments" env:"INVOICES_INCLUDE_CONFIG_COMMENTS"`
	InvoiceNumberFormat           string    `toml:"invoice_number_format" env:"INVOICE_NUMBER_FORMAT"`
	CreditNoteNumberFormat        string    `toml:"credit_note_number_format" env:"CREDIT_NOTE_NUMBER_FORMAT"`
	DefaultTaxRate                string    `toml:"default_tax_rate" env:"DEFAULT_TAX_RATE"`
	VATMention                    string    `toml:"vat_mention" env:"VAT_MENTION"`
	AccountingLog                 string    `toml:"accounting_log" env:"ACCOUNTING_LOG"`
	ChargeFrom                    date.Date `toml:"charge_from" env:"CHARGE_FROM"`
}

// TaxRateBP returns default_tax_rate in basis points (validated by Load).
func (b *Billing) TaxRateBP() int {
	bp, _ := parsePercent(b.DefaultTaxRate)
	return bp
}

// parsePercent reads "20", "5.5" or "5,5" (percent) as basis points.
func parsePercent(s string) (int, error) {
	c, err := money.Parse(s)
	if err != nil || c < 0 || c > 10000 {
		return 0, fmt.Errorf("%q is not a percentage between 0 and 100", s)
	}
	return int(c), nil
}

// Hooks are the provisioning commands of each built-in backend.
type Hooks struct {
	VPN       HookSet `toml:"vpn" envPrefix:"VPN_"`
	DSL       HookSet `toml:"dsl" envPrefix:"DSL_"`
	SimpleDSL HookSet `toml:"simple_dsl" envPrefix:"SIMPLE_DSL_"`
	VPS       HookSet `toml:"vps" envPrefix:"VPS_"`
	Housing   HookSet `toml:"housing" envPrefix:"HOUSING_"`
}

// HookSet is the argv of each action of one backend; an empty argv means
// no hook for that action.
type HookSet struct {
	Provision   []string      `toml:"provision" env:"PROVISION"`
	Suspend     []string      `toml:"suspend" env:"SUSPEND"`
	Resume      []string      `toml:"resume" env:"RESUME"`
	Deprovision []string      `toml:"deprovision" env:"DEPROVISION"`
	State       []string      `toml:"state" env:"STATE"`
	Timeout     time.Duration `toml:"timeout" env:"TIMEOUT"`
}

// HookActions are the actions a hook can serve, in display order.
var HookActions = []string{"provision", "suspend", "resume", "deprovision", "state"}

// Argv returns the command of an action (nil when none is set).
func (h HookSet) Argv(action string) []string {
	if p := h.Ptr(action); p != nil {
		return *p
	}
	return nil
}

// Ptr returns a pointer to the command of an action (nil for an unknown action).
func (h *HookSet) Ptr(action string) *[]string {
	switch action {
	case "provision":
		return &h.Provision
	case "suspend":
		return &h.Suspend
	case "resume":
		return &h.Resume
	case "deprovision":
		return &h.Deprovision
	case "state":
		return &h.State
	}
	return nil
}

// For returns the hooks of a backend by name.
func (h *Hooks) For(backend string) HookSet {
	switch backend {
	case "vpn":
		return h.VPN
	case "dsl":
		return h.DSL
	case "simple_dsl":
		return h.SimpleDSL
	case "vps":
		return h.VPS
	case "housing":
		return h.Housing
	}
	return HookSet{}
}

// BuiltinBackends are the configuration backends coin knows.
var BuiltinBackends = []string{"vpn", "dsl", "simple_dsl", "vps", "housing"}

// BackendEnabled tells whether offers of a backend may be subscribed.
func (c *Config) BackendEnabled(name string) bool {
	for _, e := range c.Services.Enabled {
		if e == name {
			return true
		}
	}
	return false
}

// ISPDB holds how /isp.json is served to db.ffdn.org.
type ISPDB struct {
	// MaxAge is the Cache-Control max-age of /isp.json: how long the
	// crawler may keep it before asking again.
	MaxAge time.Duration `toml:"max_age" env:"MAX_AGE"`
}

// Fees holds the membership fee settings.
type Fees struct {
	// DefaultMembershipFee is the amount proposed for a new fee, e.g. "15.00".
	DefaultMembershipFee string `toml:"default_membership_fee" env:"DEFAULT_MEMBERSHIP_FEE"`
	// MembershipReference is the text/template of the bank transfer
	// reference shown to a member; it sees the member ({{.ID}}, {{.Login}}).
	MembershipReference string `toml:"membership_reference" env:"MEMBERSHIP_REFERENCE"`
	// MemberMembershipInfoURL links to how to join and pay, when set.
	MemberMembershipInfoURL string `toml:"member_membership_info_url" env:"MEMBER_MEMBERSHIP_INFO_URL"`
	// MembershipFeeReminderDates are offsets from a fee's end date ("-3m",
	// "0d", "+1m") at which call-for-membership-fees reminds the member.
	MembershipFeeReminderDates []string `toml:"membership_fee_reminder_dates" env:"MEMBERSHIP_FEE_REMINDER_DATES"`
}

// DefaultFeeCents is DefaultMembershipFee in cents (validated by Load).
func (f Fees) DefaultFeeCents() int64 {
	c, _ := money.Parse(f.DefaultMembershipFee)
	return c
}

// ReminderOffsets is MembershipFeeReminderDates parsed (validated by Load).
func (f Fees) ReminderOffsets() []date.Offset {
	o, _ := date.ParseOffsets(f.MembershipFeeReminderDates)
	return o
}

// Jobs holds the schedules of the jobs `serve` runs, in cron syntax
// ("minute hour day-of-month month day-of-week") in the ISP's time zone.
// An empty schedule leaves the job to its command and the back office.
type Jobs struct {
	ChargeSubscriptions   string `toml:"charge_subscriptions" env:"CHARGE_SUBSCRIPTIONS"`
	CallForMembershipFees string `toml:"call_for_membership_fees" env:"CALL_FOR_MEMBERSHIP_FEES"`
	PurgeUnverified       string `toml:"purge_unverified" env:"PURGE_UNVERIFIED"`
	Outbox                string `toml:"outbox" env:"OUTBOX"`
	DeprovisionResigned   string `toml:"deprovision_resigned" env:"DEPROVISION_RESIGNED"`
	MaillistsSync         string `toml:"maillists_sync" env:"MAILLISTS_SYNC"`
}

// Schedules maps each job's name (its command) to its schedule; the
// configuration key is the name with underscores. A new job adds a field
// above and a line here.
func (j Jobs) Schedules() map[string]string {
	return map[string]string{
		"charge-subscriptions":     j.ChargeSubscriptions,
		"call-for-membership-fees": j.CallForMembershipFees,
		"purge-unverified":         j.PurgeUnverified,
		"outbox":                   j.Outbox,
		"deprovision-resigned":     j.DeprovisionResigned,
		"maillists-sync":           j.MaillistsSync,
	}
}

// Hardware turns the hardware inventory and loans on or off.
type Hardware struct {
	Enabled bool `toml:"enabled" env:"ENABLED"`
}

// Maillists holds the mailing lists and how they reach the list server.
type Maillists struct {
	Enabled bool `toml:"enabled" env:"ENABLED"`
	// SyncCommand is run after each change of a list, as an argv (never a
	// shell), with {email} and {short_name} replaced in each argument and
	// the list's addresses on stdin, one a line. Empty: lists are kept in
	// coin only.
	SyncCommand []string      `toml:"sync_command" env:"SYNC_COMMAND"`
	SyncTimeout time.Duration `toml:"sync_timeout" env:"SYNC_TIMEOUT"`
	// AutoSubscribe lists the short names of the lists a member joins when
	// their status becomes member.
	AutoSubscribe []string `toml:"auto_subscribe" env:"AUTO_SUBSCRIBE"`
}

// IP holds the IP address allocation settings.
type IP struct {
	// AllocationMessage is the text/template written to the log and to the
	// pool's history for each allocation and release. It sees .Action
	// ("Allocated", "Released", "Reclaimed"), .Subnet, .Pool, .Member
	// (login, "" for none), .Subscription (reference, "" for none) and .By
	// (login of the staff member, "" for coin itself).
	AllocationMessage string `toml:"allocation_message" env:"ALLOCATION_MESSAGE"`
	// ReleaseGraceDays is how long a subnet released at the end of a
	// subscription stays out of allocation (routes, caches and reverse DNS
	// of the old holder expire meanwhile).
	ReleaseGraceDays int `toml:"release_grace_days" env:"RELEASE_GRACE_DAYS"`
}

// ReleaseGrace is ReleaseGraceDays as a duration.
func (ip IP) ReleaseGrace() time.Duration {
	return time.Duration(ip.ReleaseGraceDays) * 24 * time.Hour
}

// AllocationSample has what ip.allocation_message may use.
type AllocationSample struct {
	Action, Subnet, Pool, Member, Subscription, By string
}

// ParseAllocationMessage parses ip.allocation_message and tries it on a
// sample, so that a misspelt field is caught at start-up.
func ParseAllocationMessage(text string) (*texttemplate.Template, error) {
	tpl, err := texttemplate.New("allocation_message").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	var out strings.Builder
	if err := tpl.Execute(&out, AllocationSample{"Allocated", "198.51.100.7/32", "VPN IPv4", "login", "VPN-1", "admin"}); err != nil {
		msg, _, _ := strings.Cut(err.Error(), " in type ")
		return nil, fmt.Errorf("%s (it may use {{.Action}}, {{.Subnet}}, {{.Pool}}, {{.Member}}, {{.Subscription}}, {{.By}})", msg)
	}
	if strings.TrimSpace(out.String()) == "" {
		return nil, errors.New("gives an empty message")
	}
	return tpl, nil
}

func (ip *IP) validate() error {
	if _, err := ParseAllocationMessage(ip.AllocationMessage); err != nil {
		return fmt.Errorf("ip.allocation_message: %v", err)
	}
	if ip.ReleaseGraceDays < 0 || ip.ReleaseGraceDays > 3650 {
		return fmt.Errorf("ip.release_grace_days: %d is out of 0..3650", ip.ReleaseGraceDays)
	}
	return nil
}

// Bank holds the bank statement import: the size limit and the CSV
// profiles of the banks the ISP uses (CAMT.053 XML needs none).
type Bank struct {
	// MaxFileSize is the largest statement accepted, in bytes.
	MaxFileSize int64 `toml:"max_file_size" env:"MAX_FILE_SIZE"`
	// DefaultProfile is the format proposed first ("camt053" or a profile name).
	DefaultProfile string `toml:"default_profile" env:"DEFAULT_PROFILE"`
	// Profiles are read from the file only: a nested table has no
	// environment variable.
	Profiles map[string]BankProfile `toml:"profiles" env:"-"`
}

// BankProfile describes the CSV export of one bank. Columns are named by
// their header text or by their 1-based position ("3").
type BankProfile struct {
	Label            string `toml:"label"`
	Delimiter        string `toml:"delimiter"`         // ";" "," "tab"
	Encoding         string `toml:"encoding"`          // utf-8, windows-1252, iso-8859-1
	DecimalSeparator string `toml:"decimal_separator"` // "," or "."
	DateFormat       string `toml:"date_format"`       // Go layout, e.g. "02/01/2006"
	SkipLines        int    `toml:"skip_lines"`        // lines before the header (account, balance…)
	Header           bool   `toml:"header"`            // a line of column names comes first
	DateColumn       string `toml:"date_column"`
	LabelColumn      string `toml:"label_column"`
	AmountColumn     string `toml:"amount_column"` // signed amount, or…
	DebitColumn      string `toml:"debit_column"`  // …a pair of debit and credit columns
	CreditColumn     string `toml:"credit_column"`
	ReferenceColumn  string `toml:"reference_column"` // the bank's id of the entry, optional
	// Sign: "credit_positive" (money in is positive, the usual) or
	// "credit_negative" (money in is negative, as some banks export).
	Sign string `toml:"sign"`
}

// SEPA holds the creditor identity for SEPA direct debit files.
type SEPA struct {
	CreditorName string `toml:"creditor_name" env:"CREDITOR_NAME"`
	// CreditorID is the SEPA creditor identifier (ICS in France, e.g.
	// FR12ZZZ123456); empty turns direct debit off.
	CreditorID   string `toml:"creditor_id" env:"CREDITOR_ID"`
	CreditorIBAN string `toml:"creditor_iban" env:"CREDITOR_IBAN"`
	CreditorBIC  string `toml:"creditor_bic" env:"CREDITOR_BIC"`
	// LeadDays is how many days after the file's day the collection is asked for.
	LeadDays int `toml:"lead_days" env:"LEAD_DAYS"`
}

// Enabled tells whether direct debit files can be written.
func (s SEPA) Enabled() bool { return s.CreditorID != "" }

// Accounting holds the journal and account codes of accounting exports.
type Accounting struct {
	JournalSales          string `toml:"journal_sales" env:"JOURNAL_SALES"`
	JournalSalesLabel     string `toml:"journal_sales_label" env:"JOURNAL_SALES_LABEL"`
	JournalBank           string `toml:"journal_bank" env:"JOURNAL_BANK"`
	JournalBankLabel      string `toml:"journal_bank_label" env:"JOURNAL_BANK_LABEL"`
	AccountCustomers      string `toml:"account_customers" env:"ACCOUNT_CUSTOMERS"`
	AccountSales          string `toml:"account_sales" env:"ACCOUNT_SALES"`
	AccountBank           string `toml:"account_bank" env:"ACCOUNT_BANK"`
	AccountMembershipFees string `toml:"account_membership_fees" env:"ACCOUNT_MEMBERSHIP_FEES"`
	AccountVAT            string `toml:"account_vat" env:"ACCOUNT_VAT"`
	// FECSeparator is "|" or "tab", the two the administration accepts.
	FECSeparator string `toml:"fec_separator" env:"FEC_SEPARATOR"`
}

// Languages the interface speaks.
var Languages = []string{"fr", "en"}

// Default returns the configuration used when a key is not set.
func Default() Config {
	return Config{
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
			PurgeUnverified:       "17 4 * * *",
			Outbox:                "* * * * *",
			DeprovisionResigned:   "5 0 * * *",
			MaillistsSync:         "*/5 * * * *",
		},
		Hardware:  Hardware{Enabled: true},
		Maillists: Maillists{Enabled: true, SyncTimeout: 30 * time.Second},
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
			JournalBankLabel: "Banque", AccountCustomers: "411", AccountSales: "706", AccountBank: "512",
			AccountMembershipFees: "756", AccountVAT: "44571", FECSeparator: "|"},
	}
}

// Load reads path (may be empty: defaults only), applies COIN_* variables from
// environ and validates the result.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		if err := decodeFile(path, &cfg); err != nil {
			return cfg, err
		}
		cfg.Path = path
	}
	if err := applyEnv(&cfg, envMap(environ)); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "COIN_") {
			m[k] = v
		}
	}
	return m
}

// applyEnv applies COIN_* variables one at a time, so that an error names
// the variable at fault; a variable under a section prefix that matches no
// key is refused like an unknown key in the file.
func applyEnv(cfg *Config, envs map[string]string) error {
	opts := env.Options{Prefix: "COIN_"}
	params, err := env.GetFieldParamsWithOptions(cfg, opts)
	if err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	known := map[string]bool{}
	sections := map[string]bool{}
	for _, p := range params {
		known[p.Key] = true
		if i := strings.Index(p.Key[len("COIN_"):], "_"); i > 0 {
			sections[p.Key[:len("COIN_")+i+1]] = true
		}
	}
	keys := make([]string, 0, len(envs))
	for k := range envs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			for sec := range sections {
				if strings.HasPrefix(k, sec) {
					return fmt.Errorf("environment: unknown variable %s", k)
				}
			}
			continue
		}
		opts.Environment = map[string]string{k: envs[k]}
		if err := env.ParseWithOptions(cfg, opts); err != nil {
			var agg env.AggregateError
			if errors.As(err, &agg) && len(agg.Errors) > 0 {
				err = agg.Errors[0]
			}
			var pe env.ParseError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("environment: bad value for %s: %v", k, err)
		}
	}
	return nil
}

func decodeFile(path string, cfg *Config) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	md, err := toml.Decode(string(raw), cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if pe.LastKey != "" {
				return fmt.Errorf("%s:%d: key %s: %s", path, pe.Position.Line, pe.LastKey, pe.Message)
			}
			return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		if m := typeErrorRE.FindStringSubmatch(err.Error()); m != nil {
			return fmt.Errorf("%s:%s: key %s: %s", path, m[1], m[2], m[3])
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		return fmt.Errorf("%s:%d: unknown key %s", path, keyLine(raw, und[0]), key)
	}
	return nil
}

// typeErrorRE reads the position out of the decoder's type mismatch errors.
var typeErrorRE = regexp.MustCompile(`line (\d+) \(last key "([^"]+)"\): (.*)`)

// keyLine finds the line that defines key, for messages: the TOML decoder
// reports unknown keys without their position.
func keyLine(raw []byte, key toml.Key) int {
	last := key[len(key)-1]
	section := strings.Join(key[:len(key)-1], ".")
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(last) + `"?\s*=`)
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			current = strings.Trim(line, "[] ")
			if current == strings.Join(key, ".") {
				return n
			}
			continue
		}
		if current == section && re.MatchString(line) {
			return n
		}
	}
	return 0
}

// Validate checks values that TOML types cannot, naming the key at fault.
func (c *Config) Validate() error {
	s := &c.Server
	if s.BasePath != "" {
		s.BasePath = "/" + strings.Trim(s.BasePath, "/")
		if s.BasePath == "/" {
			s.BasePath = ""
		}
	}
	if strings.ContainsAny(s.BasePath, "?#% ") {
		return fmt.Errorf("server.base_path: %q is not a plain URL path", s.BasePath)
	}
	if s.PublicURL != "" {
		u, err := url.Parse(s.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("server.public_url: %q is not an absolute http(s) URL", s.PublicURL)
		}
		s.PublicURL = strings.TrimRight(s.PublicURL, "/")
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil {
		return fmt.Errorf("server.timezone: unknown time zone %q", s.Timezone)
	}
	if !validLanguage(s.DefaultLanguage) {
		return fmt.Errorf("server.default_language: %q is not one of %s", s.DefaultLanguage, strings.Join(Languages, ", "))
	}
	if s.SessionLifetime < time.Minute {
		return fmt.Errorf("server.session_lifetime: %s is too short", s.SessionLifetime)
	}
	if s.SecretKey != "" && len(s.SecretKey) < 32 {
		return errors.New("server.secret_key: must be at least 32 characters (try: openssl rand -hex 32)")
	}
	switch c.Mail.Security {
	case "none", "starttls", "tls":
	default:
		return fmt.Errorf("mail.security: %q is not one of none, starttls, tls", c.Mail.Security)
	}
	if c.Mail.Port <= 0 || c.Mail.Port > 65535 {
		return fmt.Errorf("mail.port: %d is not a TCP port", c.Mail.Port)
	}
	if c.Members.AccountActivationDays < 1 {
		return fmt.Errorf("members.account_activation_days: must be at least 1")
	}
	if err := c.Services.validate(); err != nil {
		return err
	}
	if err := c.Billing.validate(); err != nil {
		return err
	}
	if c.ISPDB.MaxAge < time.Minute || c.ISPDB.MaxAge > 30*24*time.Hour {
		return fmt.Errorf("ispdb.max_age: %s is not between 1m and 720h", c.ISPDB.MaxAge)
	}
	if err := c.Maillists.validate(); err != nil {
		return err
	}
	if err := c.IP.validate(); err != nil {
		return err
	}
	if c.Database.URL != "" {
		if _, _, err := c.DatabaseTarget(); err != nil {
			return err
		}
	}
	if err := c.Fees.validate(); err != nil {
		return err
	}
	if err := c.Bank.validate(); err != nil {
		return err
	}
	if err := c.SEPA.validate(); err != nil {
		return err
	}
	if err := c.Accounting.validate(); err != nil {
		return err
	}
	return c.Jobs.validate(c.Location())
}

func (f *Fees) validate() error {
	if c, err := money.Parse(f.DefaultMembershipFee); err != nil || c < 0 {
		return fmt.Errorf("fees.default_membership_fee: %q is not an amount such as \"15.00\"", f.DefaultMembershipFee)
	}
	tpl, err := texttemplate.New("membership_reference").Option("missingkey=error").Parse(f.MembershipReference)
	if err != nil {
		return fmt.Errorf("fees.membership_reference: %v", err)
	}
	// Executed against a member-shaped value so that a misspelt field is
	// caught now rather than on a member's page.
	var out strings.Builder
	if err := tpl.Execute(&out, referenceSample); err != nil {
		msg, _, _ := strings.Cut(err.Error(), " in type ")
		return fmt.Errorf("fees.membership_reference: %s (it may use {{.ID}}, {{.Login}}, {{.LastName}}…)", msg)
	}
	if strings.TrimSpace(out.String()) == "" {
		return errors.New("fees.membership_reference: gives an empty reference")
	}
	if u := f.MemberMembershipInfoURL; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("fees.member_membership_info_url: %q is not an absolute http(s) URL", u)
		}
	}
	if _, err := date.ParseOffsets(f.MembershipFeeReminderDates); err != nil {
		return fmt.Errorf("fees.membership_fee_reminder_dates: %v", err)
	}
	return nil
}

// referenceSample has the fields of store.Member that a reference may use
// (config cannot import store).
var referenceSample = struct {
	ID                                                     int64
	Login, FirstName, LastName, OrganizationName, Nickname string
}{42, "login", "First", "Last", "Organisation", "nick"}

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
		if err := gocron.NewDefaultCron(false).IsValid(expr, loc, time.Now()); err != nil {
			return fmt.Errorf("%s: %q is not a cron schedule such as \"42 3 * * *\": %v", key, expr, cronReason(err))
		}
	}
	return nil
}

// ListShortName is the form of a mailing list's short name.
var ListShortName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func (m *Maillists) validate() error {
	if len(m.SyncCommand) > 0 && strings.TrimSpace(m.SyncCommand[0]) == "" {
		return errors.New("maillists.sync_command: the first element, the program to run, is empty")
	}
	if m.SyncTimeout < time.Second {
		return fmt.Errorf("maillists.sync_timeout: %s is too short (at least 1s)", m.SyncTimeout)
	}
	for _, n := range m.AutoSubscribe {
		if !ListShortName.MatchString(n) {
			return fmt.Errorf("maillists.auto_subscribe: %q is not a list short name", n)
		}
	}
	return nil
}

// CreditMutuelProfile is Crédit Mutuel's (and CIC's) CSV export: Windows
// encoding, debit and credit columns, French dates and decimals.
var CreditMutuelProfile = BankProfile{Label: "Crédit Mutuel / CIC", Delimiter: ";", Encoding: "windows-1252",
	DecimalSeparator: ",", DateFormat: "02/01/2006", Header: true, DateColumn: "Date",
	LabelColumn: "Libellé", DebitColumn: "Débit", CreditColumn: "Crédit", Sign: "credit_positive"}

// BanquePostaleProfile is La Banque Postale's CSV export: six lines about
// the account, a blank line, then dates, labels and signed amounts.
var BanquePostaleProfile = BankProfile{Label: "La Banque Postale", Delimiter: ";", Encoding: "iso-8859-1",
	DecimalSeparator: ",", DateFormat: "02/01/2006", SkipLines: 7, Header: true, DateColumn: "Date",
	LabelColumn: "Libellé", AmountColumn: "Montant(EUROS)", Sign: "credit_positive"}

// BankEncodings are the character sets a CSV profile may name.
var BankEncodings = []string{"utf-8", "windows-1252", "iso-8859-1"}

func (b *Bank) validate() error {
	if b.MaxFileSize < 1024 || b.MaxFileSize > 1<<30 {
		return fmt.Errorf("bank.max_file_size: %d bytes is not between 1 KiB and 1 GiB", b.MaxFileSize)
	}
	if _, ok := b.Profiles[b.DefaultProfile]; !ok && b.DefaultProfile != "camt053" {
		return fmt.Errorf("bank.default_profile: %q is neither camt053 nor a profile of [bank.profiles]", b.DefaultProfile)
	}
	names := make([]string, 0, len(b.Profiles))
	for n := range b.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := b.Profiles[n].validate(); err != nil {
			return fmt.Errorf("bank.profiles.%s.%v", n, err)
		}
	}
	return nil
}

func (p BankProfile) validate() error {
	switch p.Delimiter {
	case ";", ",", "tab", "|":
	default:
		return fmt.Errorf("delimiter: %q is not one of \";\", \",\", \"tab\", \"|\"", p.Delimiter)
	}
	enc := false
	for _, e := range BankEncodings {
		enc = enc || strings.EqualFold(p.Encoding, e)
	}
	if !enc {
		return fmt.Errorf("encoding: %q is not one of %s", p.Encoding, strings.Join(BankEncodings, ", "))
	}
	if p.DecimalSeparator != "," && p.DecimalSeparator != "." {
		return fmt.Errorf("decimal_separator: %q is not \",\" or \".\"", p.DecimalSeparator)
	}
	if _, err := time.Parse(p.DateFormat, time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC).Format(p.DateFormat)); err != nil || p.DateFormat == "" {
		return fmt.Errorf("date_format: %q is not a Go date layout such as \"02/01/2006\"", p.DateFormat)
	}
	if p.SkipLines < 0 || p.SkipLines > 100 {
		return fmt.Errorf("skip_lines: %d is not between 0 and 100", p.SkipLines)
	}
	if p.Sign != "credit_positive" && p.Sign != "credit_negative" {
		return fmt.Errorf("sign: %q is not credit_positive or credit_negative", p.Sign)
	}
	if p.DateColumn == "" || p.LabelColumn == "" {
		return errors.New("date_column: a profile needs date_column and label_column")
	}
	if (p.AmountColumn == "") == (p.DebitColumn == "" && p.CreditColumn == "") || (p.AmountColumn == "" && (p.DebitColumn == "" || p.CreditColumn == "")) {
		return errors.New("amount_column: set amount_column, or both debit_column and credit_column")
	}
	for _, c := range []string{p.DateColumn, p.LabelColumn, p.AmountColumn, p.DebitColumn, p.CreditColumn, p.ReferenceColumn} {
		if c != "" && !p.Header && !allDigits(c) {
			return fmt.Errorf("header: column %q is named but the profile has no header line (header = true)", c)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != "" && s != "0"
}

// creditorIDRE is the shape of a SEPA creditor identifier: country, check
// digits, a 3-character business code, then the national identifier.
var creditorIDRE = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$`)

func (s *SEPA) validate() error {
	s.CreditorID = strings.ToUpper(strings.ReplaceAll(s.CreditorID, " ", ""))
	if s.LeadDays < 1 || s.LeadDays > 60 {
		return fmt.Errorf("sepa.lead_days: %d is not between 1 and 60", s.LeadDays)
	}
	if s.CreditorID == "" {
		return nil
	}
	if !creditorIDRE.MatchString(s.CreditorID) || !iban.ValidCreditorID(s.CreditorID) {
		return fmt.Errorf("sepa.creditor_id: %q is not a SEPA creditor identifier (e.g. FR72ZZZ123456, check digits included)", s.CreditorID)
	}
	if strings.TrimSpace(s.CreditorName) == "" {
		return errors.New("sepa.creditor_name: needed with sepa.creditor_id")
	}
	if err := iban.Check(s.CreditorIBAN); err != nil {
		return fmt.Errorf("sepa.creditor_iban: %v", err)
	}
	s.CreditorIBAN = iban.Normalize(s.CreditorIBAN)
	if s.CreditorBIC != "" && !iban.ValidBIC(s.CreditorBIC) {
		return fmt.Errorf("sepa.creditor_bic: %q is not a BIC", s.CreditorBIC)
	}
	s.CreditorBIC = iban.NormalizeBIC(s.CreditorBIC)
	return nil
}

var accountCodeRE = regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`)

func (a *Accounting) validate() error {
	for key, v := range map[string]string{"journal_sales": a.JournalSales, "journal_bank": a.JournalBank,
		"account_customers": a.AccountCustomers, "account_sales": a.AccountSales, "account_bank": a.AccountBank,
		"account_membership_fees": a.AccountMembershipFees, "account_vat": a.AccountVAT} {
		if !accountCodeRE.MatchString(v) {
			return fmt.Errorf("accounting.%s: %q is not a code of 1 to 20 letters or digits", key, v)
		}
	}
	if a.FECSeparator != "|" && a.FECSeparator != "tab" {
		return fmt.Errorf("accounting.fec_separator: %q is not \"|\" or \"tab\"", a.FECSeparator)
	}
	return nil
}

func validLanguage(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// Location returns the ISP's time zone (validated by Load).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Server.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DatabaseTarget returns the driver ("sqlite" or "postgres") and its DSN.
// Without a URL, the database is coin.db in the data directory.
func (c *Config) DatabaseTarget() (driver, dsn string, err error) {
	u := c.Database.URL
	switch {
	case u == "":
		return "sqlite", filepath.Join(c.Server.DataDir, "coin.db"), nil
	case strings.HasPrefix(u, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "//")
		if p == "" {
			return "", "", errors.New("database.url: sqlite: needs a file path, e.g. sqlite:/var/lib/coin/coin.db")
		}
		if !filepath.IsAbs(p) && !strings.HasPrefix(p, "file:") {
			p = filepath.Join(c.Server.DataDir, p)
		}
		return "sqlite", p, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return "postgres", u, nil
	default:
		return "", "", fmt.Errorf("database.url: %q must start with sqlite: or postgres://", redact(u))
	}
}

func redact(u string) string {
	if p, err := url.Parse(u); err == nil && p.User != nil {
		p.User = url.User(p.User.Username())
		return p.String()
	}
	return u
}

// URL joins the base path and p ("/admin/members" → "/coin/admin/members").
func (c *Config) URL(p string) string { return c.Server.BasePath + p }

// AbsoluteURL is URL prefixed with public_url, for links in e-mails.
func (c *Config) AbsoluteURL(p string) string {
	base := c.Server.PublicURL
	if base == "" {
		base = "http://" + c.Server.Addr
	}
	return base + c.URL(p)
}

// BehindTLS says whether members reach coin over HTTPS (Secure cookies, HSTS).
func (c *Config) BehindTLS() bool { return strings.HasPrefix(c.Server.PublicURL, "https://") }

func (s *Services) validate() error {
	for _, e := range s.Enabled {
		known := false
		for _, b := range BuiltinBackends {
			known = known || b == e
		}
		if !known {
			return fmt.Errorf("services.enabled: unknown backend %q (known: %s)", e, strings.Join(BuiltinBackends, ", "))
		}
	}
	if _, err := texttemplate.New("ref").Option("missingkey=error").Parse(s.SubscriptionReference); err != nil || s.SubscriptionReference == "" {
		return fmt.Errorf("services.subscription_reference: not a valid template: %v", err)
	}
	if s.HookTimeout <= 0 {
		return errors.New("services.hook_timeout: must be positive")
	}
	if s.StateCache < 0 {
		return errors.New("services.state_cache: must not be negative")
	}
	for _, b := range BuiltinBackends {
		set := s.Hooks.For(b)
		if set.Timeout < 0 {
			return fmt.Errorf("services.hooks.%s.timeout: must not be negative", b)
		}
		for _, a := range HookActions {
			if argv := set.Argv(a); len(argv) > 0 && strings.TrimSpace(argv[0]) == "" {
				return fmt.Errorf("services.hooks.%s.%s: the program (first element) is empty", b, a)
			}
		}
	}
	return nil
}

func (b *Billing) validate() error {
	if len(b.Currency) != 3 || strings.ToUpper(b.Currency) != b.Currency {
		return fmt.Errorf("billing.currency: %q is not an ISO 4217 code such as EUR", b.Currency)
	}
	if b.PaymentDelay < 0 || b.PaymentDelay > 365 {
		return fmt.Errorf("billing.payment_delay: %d days is out of 0..365", b.PaymentDelay)
	}
	if err := numbering.Check(b.InvoiceNumberFormat); err != nil {
		return fmt.Errorf("billing.invoice_number_format: %q %v", b.InvoiceNumberFormat, err)
	}
	if err := numbering.Check(b.CreditNoteNumberFormat); err != nil {
		return fmt.Errorf("billing.credit_note_number_format: %q %v", b.CreditNoteNumberFormat, err)
	}
	if numbering.Clash(b.InvoiceNumberFormat, b.CreditNoteNumberFormat) {
		return errors.New("billing.credit_note_number_format: must differ from invoice_number_format (e.g. AV-YYYY-NNNNNN)")
	}
	if _, err := parsePercent(b.DefaultTaxRate); err != nil {
		return fmt.Errorf("billing.default_tax_rate: %v", err)
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
