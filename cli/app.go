package cli

import (
	"context"
	"log/slog"
	"strings"

	"coin/account"
	"coin/config"
	"coin/i18n"
	"coin/mail"
	"coin/maillists"
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
	lists     *maillists.Syncer
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
	a.composer = &mail.Composer{Templates: a.templates, From: cfg.Mail.From, Hold: cfg.Demo}
	a.sender = mail.NewSender(st, cfg.Mail, log)
	a.accounts = &account.Service{Store: st, Cfg: cfg, Mail: a.composer, Wake: a.sender.Wake,
		Site: a.mailSite, Log: log}
	a.lists = maillists.New(st, cfg.Maillists, log)
	return a, nil
}

func (a *app) close() { a.store.Close() }

// site is the ISP's identity for the interface.
func (a *app) site(ctx context.Context) views.Site {
	return views.Site{Name: "coin"}
}

// mailSite is the ISP's identity for e-mail templates.
func (a *app) mailSite(ctx context.Context) mail.Site {
	s := a.site(ctx)
	return mail.Site{Name: s.Name, Email: s.Email, Website: s.Website, URL: a.cfg.AbsoluteURL("/")}
}
