// Package i18n holds every user-facing string in French and English, and
// formats dates and money the way each language writes them.
//
// Messages live in locales/*.<lang>.toml (one file per area) as flat, quoted
// ids ("members.title" = "Members"). Code asks for them by id through T and
// Tf; a test checks that every id used in the code exists in both languages.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"coin/date"
	"coin/money"
)

//go:embed locales/*.toml
var localeFS embed.FS

// Supported languages, the first being the fallback of last resort.
var Supported = []language.Tag{language.French, language.English}

var matcher = language.NewMatcher(Supported)

// Catalog is the set of messages in every language.
type Catalog struct {
	bundle *goi18n.Bundle
	ids    map[string]map[string]bool // lang → ids, for completeness checks
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, ids: map[string]map[string]bool{}}
	err := fs.WalkDir(localeFS, "locales", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := localeFS.ReadFile(path)
		if err != nil {
			return err
		}
		mf, err := b.ParseMessageFileBytes(raw, path)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		lang := mf.Tag.String()
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return fmt.Errorf("%s: message %q defined twice", path, m.ID)
			}
			c.ids[lang][m.ID] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load translations: %w", err)
	}
	return c, nil
}

// IDs returns the message ids defined for a language ("fr", "en").
func (c *Catalog) IDs(lang string) map[string]bool { return c.ids[lang] }

// Negotiate picks a supported language from, in order: an explicit choice,
// an Accept-Language header, the default.
func Negotiate(choice, acceptLanguage, fallback string) string {
	if choice != "" {
		if t, _, conf := matcher.Match(language.Make(choice)); conf == language.Exact {
			return base(t)
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			if t, _, conf := matcher.Match(tags...); conf >= language.High {
				return base(t)
			}
		}
	}
	return fallback
}

func base(t language.Tag) string {
	b, _ := t.Base()
	return b.String()
}

// Locale formats for one reader: language, time zone and currency.
type Locale struct {
	Lang     string
	Loc      *time.Location
	Currency string
	l        *goi18n.Localizer
}

// Locale returns a Locale for lang ("fr" or "en").
func (c *Catalog) Locale(lang string, loc *time.Location, currency string) *Locale {
	if loc == nil {
		loc = time.UTC
	}
	if currency == "" {
		currency = "EUR"
	}
	return &Locale{Lang: lang, Loc: loc, Currency: currency, l: goi18n.NewLocalizer(c.bundle, lang)}
}

// T returns the message id in the locale's language. A missing id is logged
// and shown as the id itself, so a page never breaks on a forgotten string.
func (l *Locale) T(id string) string {
	return l.Tf(id, nil)
}

// Tf is T with template data ({{.Name}}) and plural selection by data["Count"].
func (l *Locale) Tf(id string, data map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		slog.Warn("missing translation", "id", id, "lang", l.Lang, "err", err)
		return id
	}
	return s
}

// Date prints a calendar day: "25/11/2026" in French, "25 Nov 2026" in English.
func (l *Locale) Date(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	if l.Lang == "fr" {
		return d.Time().Format("02/01/2006")
	}
	return d.Time().Format("2 Jan 2006")
}

// DateTime prints an instant in the ISP's time zone.
func (l *Locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.Loc)
	if l.Lang == "fr" {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// Money prints cents in the locale's currency.
func (l *Locale) Money(cents int64) string { return money.Format(cents, l.Currency, l.Lang) }

// Percent prints a rate in basis points: "5,5 %" in French, "5.5%" in English.
func (l *Locale) Percent(bp int) string {
	s := strings.TrimRight(strings.TrimRight(money.Plain(int64(bp)), "0"), ".")
	if l.Lang == "fr" {
		return l.mark(s) + "\u00a0%"
	}
	return s + "%"
}

// Colon is what comes between a label and its value: a no-break space
// before the colon in French ("Membre : …"), none in English ("Member: …").
func (l *Locale) Colon() string {
	if l.Lang == "fr" {
		return "\u00a0: "
	}
	return ": "
}

// mark gives a number written with a decimal point the locale's decimal mark.
func (l *Locale) mark(s string) string {
	if l.Lang == "fr" {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Digits groups the digits of a whole number written in base 10 ("-1234567")
// by thousands, the locale's way: "1 234 567" in French, "1,234,567" in English.
func (l *Locale) Digits(n string) string {
	sep := ","
	if l.Lang == "fr" {
		sep = "\u202f"
	}
	sign := ""
	if strings.HasPrefix(n, "-") {
		sign, n = "-", n[1:]
	}
	var b strings.Builder
	for i, r := range n {
		if i > 0 && (len(n)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// Number writes n with its thousands grouped.
func (l *Locale) Number(n int) string { return l.Digits(strconv.Itoa(n)) }

// Decimal writes f with one decimal, with the locale's decimal mark.
func (l *Locale) Decimal(f float64) string {
	return l.mark(strconv.FormatFloat(f, 'f', 1, 64))
}

// AmountInput writes cents for a form field: no currency nor grouping, the
// locale's decimal mark ("15,00" in French), which the money parser reads back.
func (l *Locale) AmountInput(cents int64) string {
	return l.mark(money.Plain(cents))
}

// Size writes a number of bytes in kilobytes or megabytes (of 1024), with
// the unit of the locale: "5 Mo", "5 MB".
func (l *Locale) Size(bytes int64) string {
	unit, n := "size.kb", bytes/1024
	if bytes >= 1<<20 && bytes%(1<<20) == 0 {
		unit, n = "size.mb", bytes>>20
	}
	return l.Tf(unit, map[string]any{"N": l.Digits(strconv.FormatInt(n, 10))})
}

// MonthName returns the month's name in the locale's language.
func (l *Locale) MonthName(m time.Month) string {
	return l.T("month." + strings.ToLower(m.String()))
}

type ctxKey struct{}

// With stores the locale in ctx, for templates and deep callers.
func With(ctx context.Context, l *Locale) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the locale stored in ctx, or nil.
func From(ctx context.Context) *Locale {
	l, _ := ctx.Value(ctxKey{}).(*Locale)
	return l
}

// T translates id with the locale of ctx; without one it returns id.
func T(ctx context.Context, id string) string {
	if l := From(ctx); l != nil {
		return l.T(id)
	}
	return id
}

// Tf translates id with data, with the locale of ctx.
func Tf(ctx context.Context, id string, data map[string]any) string {
	if l := From(ctx); l != nil {
		return l.Tf(id, data)
	}
	return id
}
