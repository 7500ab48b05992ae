// Package backend defines the kinds of service configuration (VPN, DSL,
// VPS…) behind one interface. Each backend declares its fields; the forms,
// the portal view, the validation and the hook payload are derived from
// them, so an ISP adds a backend by writing one Go type and registering it.
package backend

import (
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"coin/form"
)

// Kind is how a field is entered and checked.
type Kind string

const (
	Text     Kind = "text"
	TextArea Kind = "textarea"
	Select   Kind = "select"
	IPv4     Kind = "ipv4"     // an IPv4 address or prefix
	IPv6     Kind = "ipv6"     // an IPv6 address or prefix
	Login    Kind = "login"    // unique per backend, also the {login} placeholder
	Hostname Kind = "hostname" // a DNS name
)

// Field is one entry of a configuration.
type Field struct {
	Name     string
	Label    string   // message id
	Kind     Kind     //
	Options  []string // values of a Select; labels are message ids "backend.option.<value>"
	Required bool
	// Member says the member sees the field in the portal.
	Member bool
	// MemberEditable says the member may change it (when the backend allows member edits).
	MemberEditable bool
}

// Backend is a kind of service configuration.
type Backend interface {
	// Name is the identifier used in offers and in isp.toml ("vpn").
	Name() string
	// Fields lists the configuration fields in form order.
	Fields() []Field
	// HasSecret tells whether the backend generates a password, shown
	// once and kept only as a hash.
	HasSecret() bool
	// HasState tells whether the portal shows the output of the state hook.
	HasState() bool
	// Check validates relations between fields after each field is valid.
	Check(v Values, errs form.Errors)
}

// Values are the field values of a configuration, by field name.
type Values map[string]string

// Login returns the value of the backend's Login field, if any.
func LoginOf(b Backend, v Values) string {
	for _, f := range b.Fields() {
		if f.Kind == Login {
			return v[f.Name]
		}
	}
	return ""
}

// Registry holds the known backends.
type Registry struct {
	byName map[string]Backend
}

// NewRegistry returns a registry with the built-in backends.
func NewRegistry(extra ...Backend) *Registry {
	r := &Registry{byName: map[string]Backend{}}
	for _, b := range append([]Backend{VPN{}, DSL{}, SimpleDSL{}, VPS{}, Housing{}}, extra...) {
		r.byName[b.Name()] = b
	}
	return r
}

// Get returns the backend of that name, or nil.
func (r *Registry) Get(name string) Backend { return r.byName[name] }

// Names lists every known backend, sorted.
func (r *Registry) Names() []string {
	var out []string
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var (
	loginRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)
	hostnameRE = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)
)

// Validate trims and checks the values for b, keeping only its fields. Each
// error is keyed by the field name, prefixed with "cfg_" as in forms.
func Validate(b Backend, in Values) (Values, form.Errors) {
	errs := form.Errors{}
	out := Values{}
	for _, f := range b.Fields() {
		v := strings.TrimSpace(in[f.Name])
		key := "cfg_" + f.Name
		if f.Required && v == "" {
			errs.Add(key, "err.required")
		}
		if v == "" {
			continue
		}
		switch f.Kind {
		case Login:
			v = strings.ToLower(v)
			if !loginRE.MatchString(v) {
				errs.Add(key, "err.login_invalid")
			}
		case Hostname:
			v = strings.ToLower(strings.TrimSuffix(v, "."))
			if len(v) > 253 || !hostnameRE.MatchString(v) {
				errs.Add(key, "err.hostname_invalid")
			}
		case IPv4:
			if p, ok := parseIP(v); !ok || !p.Addr().Is4() {
				errs.Add(key, "err.ipv4_invalid")
			} else {
				v = p.String()
			}
		case IPv6:
			if p, ok := parseIP(v); !ok || !p.Addr().Is6() || p.Addr().Is4In6() {
				errs.Add(key, "err.ipv6_invalid")
			} else {
				v = p.String()
			}
		case Select:
			errs.OneOf(key, v, f.Options...)
		}
		errs.MaxLen(key, v, 2000)
		out[f.Name] = v
	}
	if !errs.Any() {
		b.Check(out, errs)
	}
	return out, errs
}

// parseIP reads an address ("192.0.2.1") or a prefix ("2001:db8::/56") as a
// prefix in canonical form; a bare address is a full-length prefix.
func parseIP(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// Display returns how a value of an IP field reads: a full-length prefix
// is shown as the address alone.
func Display(f Field, v string) string {
	if f.Kind == IPv4 || f.Kind == IPv6 {
		if p, ok := parseIP(v); ok && p.IsSingleIP() {
			return p.Addr().String()
		}
	}
	return v
}
