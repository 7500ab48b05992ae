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
	"time"

	"github.com/BurntSushi/toml"
	"github.com/caarlos0/env/v11"
)

// Config is the whole of isp.toml.
type Config struct {
	Server    Server    `toml:"server" envPrefix:"SERVER_"`
	Database  Database  `toml:"database" envPrefix:"DATABASE_"`
	Mail      Mail      `toml:"mail" envPrefix:"MAIL_"`
	Members   Members   `toml:"members" envPrefix:"MEMBERS_"`
	Hardware  Hardware  `toml:"hardware" envPrefix:"HARDWARE_"`
	Maillists Maillists `toml:"maillists" envPrefix:"MAILLISTS_"`

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
		Hardware:  Hardware{Enabled: true},
		Maillists: Maillists{Enabled: true, SyncTimeout: 30 * time.Second},
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
	if err := c.Maillists.validate(); err != nil {
		return err
	}
	if c.Database.URL != "" {
		if _, _, err := c.DatabaseTarget(); err != nil {
			return err
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
