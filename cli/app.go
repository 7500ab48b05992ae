package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"coin/account"
	"coin/accounting"
	"coin/accountinglog"
	"coin/backend"
	"coin/bank"
	"coin/billing"
	"coin/collections"
	"coin/config"
	"coin/date"
	"coin/digest"
	"coin/fees"
	"coin/i18n"
	"coin/ipam"
	"coin/ispdb"
	"coin/jobs"
	"coin/ldapsync"
	"coin/mail"
	"coin/maillists"
	"coin/member"
	"coin/overrides"
	"coin/provision"
	"coin/sepa"
	"coin/snmppoll"
	"coin/store"
	"coin/stripepay"
	"coin/subscription"
)

// app is the assembled program: configuration, database and services.
type app struct {
	cfg       *config.Config
	log       *slog.Logger
	store     *store.Store
	catalog   *i18n.Catalog
	templates *overrides.Registry
	composer  *mail.Composer
	sender    *mail.Sender
	accounts  *account.Service
	subs      *subscription.Service
	billing   *billing.Service
	isp       *ispdb.Service
	fees      *fees.Service
	digest    *digest.Service
	members   *member.Service
	jobs      *jobs.Scheduler
	lists     *maillists.Syncer
	ipam      *ipam.Allocator
	bank      *bank.Service
	sepa      *sepa.Service
	books     *accounting.Service
	ldap      *ldapsync.Syncer
	snmp      *snmppoll.Service
	collect   *collections.Service
}

func (g *Globals) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(g.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// loadConfig reads --config / COIN_CONFIG and the COIN_* variables.
func (g *Globals) loadConfig() (*config.Config, error) {
	path := g.Config
	if path == "" {
		for _, kv := range g.Environ {
			if v, ok := strings.CutPrefix(kv, "COIN_CONFIG="); ok {
				path = v
			}
		}
	}
	cfg, err := config.Load(path, g.Environ)
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// withApp is the preamble of every command that works on the data. It
// loads the configuration; hands it to prepare, when not nil, to check the
// flags against it (or adjust it) before anything touches the database;
// opens the database, applies the migrations and builds the services; then
// runs fn with the app, which is closed when fn returns. An error of any
// step is returned as it is.
func (g *Globals) withApp(ctx context.Context, prepare func(*config.Config) error, fn func(*app) error) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(cfg); err != nil {
			return err
		}
	}
	a, err := openApp(ctx, cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a)
}

// connect opens the database cfg names, without migrating.
// database loads the configuration and names its database (driver and
// DSN), for the commands that handle the database without opening the app.
func (g *Globals) database() (cfg *config.Config, driver, dsn string, err error) {
	if cfg, err = g.loadConfig(); err != nil {
		return nil, "", "", err
	}
	driver, dsn, err = cfg.DatabaseTarget()
	return cfg, driver, dsn, err
}

func connect(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	driver, dsn, err := cfg.DatabaseTarget()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, driver, dsn)
}

// openApp connects to the database, applies migrations and builds the services.
func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	st, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, cfg, st, log); err != nil {
		st.Close()
		return nil, err
	}
	catalog, err := i18n.Load()
	if err != nil {
		st.Close()
		return nil, err
	}
	schema, err := ispdb.NewSchema()
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: st, catalog: catalog,
		templates: overrides.New(cfg.Server.OverridesDir, log)}
	a.isp = ispdb.NewService(st, schema, cfg.Location(), a.publicLogoURL, log)
	a.composer = &mail.Composer{Templates: a.templates, From: cfg.Mail.From, Hold: cfg.Demo,
		Senders:  mail.Senders{Account: cfg.Mail.FromAccount, Billing: cfg.Mail.FromBilling, Membership: cfg.Mail.FromMembership},
		Identity: func() ispdb.Identity { return a.isp.Identity(context.Background()) }}
	a.sender = mail.NewSender(st, cfg.Mail, log)
	logFile := &accountinglog.File{Path: cfg.Billing.AccountingLog, Currency: cfg.Billing.Currency, Log: log}
	st.SetHooks(store.Hooks{Logged: logFile.Write, Queued: a.sender.Wake})
	a.accounts = &account.Service{Store: st, Cfg: cfg, Mail: a.composer,
		Site: a.mailSite, Log: log}
	if a.ipam, err = ipam.New(st, cfg, log); err != nil {
		st.Close()
		return nil, err
	}
	a.ldap = ldapsync.New(st, &cfg.LDAP, log)
	a.ipam.LDAP = a.ldap
	a.snmp = snmppoll.New(st, &cfg.SNMP, log)
	a.subs = &subscription.Service{Store: st, Cfg: cfg, Backends: backend.NewRegistry(),
		Hooks: &provision.Runner{Store: st, Services: &cfg.Services, Log: log}, Log: log, Allocator: a.ipam,
		LDAP: a.ldap}
	a.billing = &billing.Service{Store: st, Cfg: cfg, Catalog: catalog, Templates: a.templates,
		Identity: a.isp.Identity, Logo: a.pdfLogo, Mail: a.composer, Log: log}
	a.digest = &digest.Service{Store: st, Cfg: cfg, Mail: a.composer, Catalog: catalog, Site: a.mailSite, Log: log}
	a.fees = &fees.Service{Store: st, Cfg: cfg, Mail: a.composer, Catalog: catalog, Site: a.mailSite,
		Log: log, Currency: cfg.Billing.Currency}
	a.members = &member.Service{Store: st, Fees: a.fees, Log: log}
	a.collect = &collections.Service{Store: st, Cfg: cfg, Catalog: catalog, Mail: a.composer, Site: a.mailSite,
		Subs: a.subs, Log: log}
	a.billing.Paid = a.collect.Paid
	// Reminders carry the card payment link when card payments are on.
	a.collect.PaymentLink = func(context.Context, *store.Member, []*store.Invoice) string { return stripepay.PayURL(cfg) }
	a.lists = maillists.New(st, cfg.Maillists, log)
	a.bank = &bank.Service{Store: st, Cfg: cfg, Billing: a.billing, Fees: a.fees, Log: log}
	a.sepa = &sepa.Service{Store: st, Cfg: cfg, Log: log, Mail: a.composer, Catalog: catalog, Site: a.mailSite,
		Billing: a.billing}
	a.bank.SEPA = a.sepa
	a.books = &accounting.Service{Store: st, Cfg: cfg, Catalog: catalog}
	// Migration 0029: book what was written before the ledger, once.
	if n, err := a.books.Ledger().BackfillPending(ctx, st); err != nil {
		st.Close()
		return nil, err
	} else if n > 0 {
		log.Info("ledger: past invoices, payments and fees booked", "entries", n)
	}
	if a.jobs, err = jobs.New(st, cfg.Location(), log, a.jobList()...); err != nil {
		st.Close()
		return nil, err
	}
	// One name for this process in the claims of ticks and of e-mails.
	a.sender.Instance = a.jobs.Instance
	return a, nil
}

// pdfLogo is the ISP's logo file for invoices when it is a PNG or a JPEG
// (an SVG cannot go into a PDF).
func (a *app) pdfLogo(ctx context.Context) ([]byte, string) {
	logo, err := a.store.ISPLogo(ctx)
	if err != nil {
		return nil, ""
	}
	switch logo.ContentType {
	case "image/png":
		return logo.Body, "PNG"
	case "image/jpeg":
		return logo.Body, "JPG"
	}
	return nil, ""
}

// close stops the jobs (waiting for runs in progress) and the database.
func (a *app) close() {
	if err := a.jobs.Stop(); err != nil {
		a.log.Warn("stop scheduler", "err", err)
	}
	a.store.Close()
}

// mailSite is the ISP's identity for e-mail templates, from the ISP record.
// (Pages get theirs from the handlers, which add the overrides' assets.)
func (a *app) mailSite(ctx context.Context) mail.Site {
	return mail.SiteOf(a.isp.Identity(ctx), a.cfg.AbsoluteURL("/"))
}

// publicLogoURL is the absolute URL of the uploaded logo, given to
// db.ffdn.org when the record names no logo URL; "" without public_url,
// as an address such as 127.0.0.1 would mean nothing to the crawler.
func (a *app) publicLogoURL(hash string) string {
	if a.cfg.Server.PublicURL == "" {
		return ""
	}
	return a.cfg.AbsoluteURL("/isp/logo/" + hash)
}

// dayFlag reads a --date flag: the day given, or today in the ISP's time zone.
func dayFlag(flag string, cfg *config.Config) (date.Date, error) {
	if flag == "" {
		return date.Today(cfg.Location()), nil
	}
	d, err := date.Parse(flag)
	if err != nil {
		return d, fmt.Errorf("--date: %w", err)
	}
	return d, nil
}
