package cli

import (
	"context"
	"log/slog"
	"strings"

	"coin/account"
	"coin/config"
	"coin/fees"
	"coin/i18n"
	"coin/jobs"
	"coin/mail"
	"coin/overrides"
	"coin/store"
	"coin/views"
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
	fees      *fees.Service
	jobs      *jobs.Scheduler
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

// openApp connects to the database, applies migrations and builds the services.
func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	driver, dsn, err := cfg.DatabaseTarget()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, driver, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	catalog, err := i18n.Load()
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: st, catalog: catalog,
		templates: overrides.New(cfg.Server.OverridesDir, log)}
	a.composer = &mail.Composer{Templates: a.templates, From: cfg.Mail.From, Hold: cfg.Demo,
		// The ISP record (its administrative e-mail address) will sign
		// administrative mail; until it exists, mail.from signs everything.
		AdminFrom: func() string { return "" }}
	a.sender = mail.NewSender(st, cfg.Mail, log)
	a.accounts = &account.Service{Store: st, Cfg: cfg, Mail: a.composer, Wake: a.sender.Wake,
		Site: a.mailSite, Log: log}
	a.fees = &fees.Service{Store: st, Cfg: cfg, Mail: a.composer, Catalog: catalog, Site: a.mailSite,
		Wake: a.sender.Wake, Log: log, Currency: currency}
	if a.jobs, err = jobs.New(st, cfg.Location(), log, a.jobList()...); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// currency of amounts until billing makes it a setting.
const currency = "EUR"

// close stops the jobs (waiting for runs in progress) and the database.
func (a *app) close() {
	if err := a.jobs.Stop(); err != nil {
		a.log.Warn("stop scheduler", "err", err)
	}
	a.store.Close()
}

// site is the ISP's identity for the interface.
func (a *app) site(ctx context.Context) views.Site {
	return views.Site{Name: "coin"}
}

// mailSite is the ISP's identity for e-mail templates.
func (a *app) mailSite(ctx context.Context) mail.Site {
	s := a.site(ctx)
	return mail.Site{Name: s.Name, Email: s.Email, Website: s.Website, URL: a.cfg.AbsoluteURL("/"),
		Address: strings.Join(s.AddressLines, ", "), IBAN: s.IBAN, BIC: s.BIC}
}
