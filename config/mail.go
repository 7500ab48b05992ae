package config

import "time"

// Mail holds the SMTP settings.
type Mail struct {
	Host     string `toml:"host" env:"HOST"`
	Port     int    `toml:"port" env:"PORT"`
	Security string `toml:"security" env:"SECURITY"`
	Username string `toml:"username" env:"USERNAME"`
	Password string `toml:"password" env:"PASSWORD"`
	From     string `toml:"from" env:"FROM"`
	// Senders of each group of e-mail; empty: the ISP record's addresses.
	FromAccount    string        `toml:"from_account" env:"FROM_ACCOUNT"`
	FromBilling    string        `toml:"from_billing" env:"FROM_BILLING"`
	FromMembership string        `toml:"from_membership" env:"FROM_MEMBERSHIP"`
	Timeout        time.Duration `toml:"timeout" env:"TIMEOUT"`
}
