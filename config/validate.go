package config

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"
)

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
	if _, err := s.TrustedProxyPrefixes(); err != nil {
		return err
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
	for key, addr := range map[string]string{"from": c.Mail.From, "from_account": c.Mail.FromAccount,
		"from_billing": c.Mail.FromBilling, "from_membership": c.Mail.FromMembership} {
		if _, err := netmail.ParseAddress(addr); addr != "" && err != nil {
			return fmt.Errorf("mail.%s: %q is not an e-mail address: %w", key, addr, err)
		}
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
	if err := c.Collections.validate(); err != nil {
		return err
	}
	if err := c.Fees.validate(); err != nil {
		return err
	}
	if err := c.Receipts.validate(); err != nil {
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
	if err := c.Backup.validate(); err != nil {
		return err
	}
	if err := c.LDAP.validate(); err != nil {
		return err
	}
	if err := c.SNMP.validate(); err != nil {
		return err
	}
	if err := c.Stripe.validate(); err != nil {
		return err
	}
	return c.Jobs.validate(c.Location())
}
