package config

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"
)

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
	// QueryCountHeader adds X-Coin-Queries (the request's SQL statements)
	// to every response: for the load benchmark, off in production.
	QueryCountHeader bool `toml:"query_count_header" env:"QUERY_COUNT_HEADER"`
}

// Languages the interface speaks.
var Languages = []string{"fr", "en"}

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
	if c.zone != nil {
		return c.zone.get(c.Server.Timezone)
	}
	return loadLocation(c.Server.Timezone)
}

func loadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// zoneCache holds the last zone loaded, by name (tests change the name).
type zoneCache struct {
	mu   sync.Mutex
	name string
	loc  *time.Location
}

func (z *zoneCache) get(name string) *time.Location {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.loc == nil || z.name != name {
		z.name, z.loc = name, loadLocation(name)
	}
	return z.loc
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

// TrustedProxyPrefixes parses trusted_proxies: addresses ("127.0.0.1") or
// networks ("10.0.0.0/8").
func (s Server) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range s.TrustedProxies {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("server.trusted_proxies: %q is neither an address nor a network", v)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
