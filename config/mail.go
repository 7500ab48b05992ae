package config

import "time"

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
