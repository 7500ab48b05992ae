// Package views renders pages and fragments with templ. Views only render:
// what they show is computed by handlers and handed over as arguments, plus
// the request's Env (user, language, URLs) carried by the context.
package views

import (
	"context"
	"net/url"
	"strconv"

	"coin/auth"
	"coin/date"
	"coin/i18n"
	"coin/store"
)

// Site is the ISP's identity as the interface shows it (from the ISP
// record, see ispdb.Identity), plus the overrides folder's assets.
type Site struct {
	Name          string
	ShortName     string
	LogoURL       string // "" for the built-in logo
	AddressLines  []string
	LegalMentions string
	Email         string
	Phone         string
	Website       string
	IBAN          string // in groups of four, as people copy it
	BIC           string
	BankName      string
	CustomCSS     string // URL of overrides/assets/custom.css, when present
	StatutesURL   string // the statutes a visitor signing up accepts, "" when none
	PrivacyURL    string // the privacy notice, the same
}

// Features says which optional parts are turned on, for navigation.
type Features struct {
	Offers    bool
	Billing   bool
	Network   bool
	Hardware  bool
	Maillists bool
	Signup    bool
}

// Env is what every view may need to know about the request.
type Env struct {
	Base     string        // URL base path, "" or e.g. "/coin"
	Path     string        // request path below Base, for navigation state
	CSRF     string        // token for forms and htmx requests
	User     *store.Member // nil when signed out
	Demo     bool
	Site     Site
	Features Features
	Flash    string // message id of a one-time notice
	FlashErr bool
	Assets   func(name string) string
	Lang     string
	Today    date.Date // the ISP's current day
}

type envKey struct{}

// WithEnv stores e in ctx.
func WithEnv(ctx context.Context, e *Env) context.Context {
	return context.WithValue(ctx, envKey{}, e)
}

// EnvOf returns the Env of ctx; never nil.
func EnvOf(ctx context.Context) *Env {
	if e, ok := ctx.Value(envKey{}).(*Env); ok {
		return e
	}
	return &Env{Lang: "en", Assets: func(string) string { return "" }}
}

// URL prefixes an application path with the base path.
func (e *Env) URL(p string) string { return e.Base + p }

// Asset returns the versioned URL of an embedded asset.
func (e *Env) Asset(name string) string { return e.Assets(name) }

// Can tells whether the signed-in user holds permission p.
func (e *Env) Can(p auth.Permission) bool { return e.User != nil && auth.Can(e.User.Role, p) }

// Staff tells whether the user reaches the back office.
// CanManageAccount tells whether the reader may edit an account of role target.
func (e *Env) CanManageAccount(target string) bool {
	return e.User != nil && auth.CanManageAccount(e.User.Role, target)
}

func (e *Env) Staff() bool { return e.Can(auth.ViewBackOffice) }

// t translates id in the request's language.
func t(ctx context.Context, id string) string { return i18n.T(ctx, id) }

// colon separates a label from its value the locale's way.
func colon(ctx context.Context) string { return loc(ctx).Colon() }

// tf translates id with template data.
func tf(ctx context.Context, id string, data map[string]any) string { return i18n.Tf(ctx, id, data) }

// loc returns the request's locale for dates and money.
func loc(ctx context.Context) *i18n.Locale {
	if l := i18n.From(ctx); l != nil {
		return l
	}
	return nil
}

func u(ctx context.Context, p string) string { return EnvOf(ctx).URL(p) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func itoaInt(n int) string { return strconv.Itoa(n) }

// withQuery returns p with the query values set (others dropped).
func withQuery(p string, q url.Values) string {
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// htmxHeaders gives htmx the CSRF token for every request it sends.
func htmxHeaders(ctx context.Context) string {
	return `{"X-CSRF-Token": "` + EnvOf(ctx).CSRF + `"}`
}
