package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Database says where the data lives.
type Database struct {
	URL string `toml:"url" env:"URL"`
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
