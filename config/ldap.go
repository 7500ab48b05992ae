package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// LDAP is where coin writes the VPN and DSL configurations, for OpenVPN or
// RADIUS to authenticate against (COIN's vpn and dsl_ldap apps). An empty
// URL turns the sync off.
type LDAP struct {
	URL string `toml:"url" env:"URL"`
	// StartTLS upgrades an ldap:// connection before binding.
	StartTLS bool `toml:"starttls" env:"STARTTLS"`
	// CAFile is a PEM file of the server's CA, when the system's pool does
	// not hold it.
	CAFile string `toml:"ca_file" env:"CA_FILE"`
	BindDN string `toml:"bind_dn" env:"BIND_DN"`
	// BindPassword is best given as COIN_LDAP_BIND_PASSWORD, or read from
	// BindPasswordFile.
	BindPassword     string `toml:"bind_password" env:"BIND_PASSWORD"`
	BindPasswordFile string `toml:"bind_password_file" env:"BIND_PASSWORD_FILE"`
	// The subtree of each backend's entries, e.g. "ou=vpn,dc=example,dc=org".
	VPNBaseDN string `toml:"vpn_base_dn" env:"VPN_BASE_DN"`
	DSLBaseDN string `toml:"dsl_base_dn" env:"DSL_BASE_DN"`
	// ObjectClasses of a new entry.
	ObjectClasses []string      `toml:"object_classes" env:"OBJECT_CLASSES"`
	Attributes    LDAPAttribute `toml:"attributes" envPrefix:"ATTR_"`
	// PasswordScheme is how a password is hashed for LDAP: "ssha",
	// "crypt" ({CRYPT} SHA-512 crypt) or "argon2" ({ARGON2}, argon2id:
	// OpenLDAP with its argon2 module).
	PasswordScheme string        `toml:"password_scheme" env:"PASSWORD_SCHEME"`
	Timeout        time.Duration `toml:"timeout" env:"TIMEOUT"`
}

// LDAPAttribute names the attribute holding each part of an entry.
type LDAPAttribute struct {
	Login    string `toml:"login" env:"LOGIN"`
	Password string `toml:"password" env:"PASSWORD"`
	IPv4     string `toml:"ipv4" env:"IPV4"`
	IPv6     string `toml:"ipv6" env:"IPV6"`
	Status   string `toml:"status" env:"STATUS"`
	// Marker holds "coin subscription N": coin touches only the entries
	// that carry it.
	Marker string `toml:"marker" env:"MARKER"`
}

// DefaultLDAP is the [ldap] section's defaults (examples/ldap/coin.schema
// defines coinService).
var DefaultLDAP = LDAP{
	ObjectClasses: []string{"account", "simpleSecurityObject", "coinService"},
	Attributes: LDAPAttribute{Login: "uid", Password: "userPassword", IPv4: "coinIPv4",
		IPv6: "coinIPv6", Status: "coinStatus", Marker: "description"},
	PasswordScheme: "ssha",
	Timeout:        10 * time.Second,
}

// Enabled tells whether configurations go to LDAP.
func (l *LDAP) Enabled() bool { return l.URL != "" }

// BaseDN is the subtree of a backend's entries ("" when the backend does
// not go to LDAP).
func (l *LDAP) BaseDN(backend string) string {
	switch backend {
	case "vpn":
		return l.VPNBaseDN
	case "dsl":
		return l.DSLBaseDN
	}
	return ""
}

// Password returns the bind password, from the file when one is named.
func (l *LDAP) Password() (string, error) {
	if l.BindPasswordFile == "" {
		return l.BindPassword, nil
	}
	b, err := os.ReadFile(l.BindPasswordFile)
	if err != nil {
		return "", fmt.Errorf("ldap.bind_password_file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func (l *LDAP) validate() error {
	if !l.Enabled() {
		return nil
	}
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		return fmt.Errorf("ldap.url: %q is not an ldap:// or ldaps:// URL", l.URL)
	}
	if l.StartTLS && u.Scheme == "ldaps" {
		return errors.New("ldap.starttls: ldaps:// is already TLS")
	}
	if l.VPNBaseDN == "" && l.DSLBaseDN == "" {
		return errors.New("ldap.vpn_base_dn, ldap.dsl_base_dn: set at least one")
	}
	a := l.Attributes
	for key, v := range map[string]string{"login": a.Login, "password": a.Password, "status": a.Status, "marker": a.Marker} {
		if v == "" {
			return fmt.Errorf("ldap.attributes.%s: empty", key)
		}
	}
	if len(l.ObjectClasses) == 0 {
		return errors.New("ldap.object_classes: empty")
	}
	switch l.PasswordScheme {
	case "ssha", "crypt", "argon2":
	default:
		return fmt.Errorf("ldap.password_scheme: %q is not ssha, crypt or argon2", l.PasswordScheme)
	}
	if l.Timeout < time.Second {
		return fmt.Errorf("ldap.timeout: %s is too short (at least 1s)", l.Timeout)
	}
	return nil
}
