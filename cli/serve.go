package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"coin/assets"
	"coin/config"
	"coin/date"
	"coin/demo"
	"coin/handlers"
	"coin/metrics"
	"coin/model"
)

// ServeCmd runs the web server.
type ServeCmd struct {
	Addr   string `help:"Address to listen on (default from server.addr: 127.0.0.1:8080)." placeholder:"HOST:PORT"`
	Demo   bool   `help:"Demo mode: demo data in an empty database, e-mail kept in the outbox, a banner on every page."`
	NoJobs bool   `help:"Do not run scheduled jobs (for a second instance)." name:"no-jobs"`
}

func (s *ServeCmd) Run(g *Globals) error {
	defaultMemoryLimit(g.Environ)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return g.withApp(ctx, s.prepare, func(a *app) error { return s.serve(ctx, g, a) })
}

// serveMemoryLimit is the soft limit of the Go heap of `serve` when
// GOMEMLIMIT is not set. A page needs little memory, but the heap may double
// between two collections (GOGC=100), and a sign-in's argon2id hash alone
// takes 19 MiB: near the limit the collector runs sooner and hands the
// freed memory back to the system, which keeps a Pi's serve small under
// load. GOMEMLIMIT (the systemd unit sets it) overrides it.
const serveMemoryLimit = 48 << 20

func defaultMemoryLimit(env []string) {
	for _, kv := range env {
		if strings.HasPrefix(kv, "GOMEMLIMIT=") {
			return
		}
	}
	debug.SetMemoryLimit(serveMemoryLimit)
}

// prepare applies the flags to the configuration and refuses to serve
// without a secret key (the demo makes one up).
func (s *ServeCmd) prepare(cfg *config.Config) error {
	if s.Addr != "" {
		cfg.Server.Addr = s.Addr
	}
	cfg.Demo = s.Demo
	if s.Demo {
		if err := useDemoHooks(&cfg.Services); err != nil {
			return err
		}
		demo.SEPACreditor(&cfg.SEPA)
	}
	if cfg.Server.SecretKey == "" {
		if !s.Demo {
			return errors.New("server.secret_key is not set: generate one with `openssl rand -hex 32` and put it in isp.toml or COIN_SERVER_SECRET_KEY")
		}
		var b [32]byte
		rand.Read(b[:])
		cfg.Server.SecretKey = hex.EncodeToString(b[:])
	}
	return nil
}

// serve runs the web server (and the jobs) until ctx is done.
func (s *ServeCmd) serve(ctx context.Context, g *Globals, a *app) error {
	cfg, log := a.cfg, a.log
	if s.Demo {
		loaded, err := demo.LoadIfEmpty(ctx, a.store, cfg.Location())
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if loaded {
			if err := demo.LoadBilling(ctx, a.store, a.billing, date.Today(cfg.Location())); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
			if err := demo.LoadNetwork(ctx, a.store, a.ipam, date.Today(cfg.Location())); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
			if err := a.demoCollections(ctx); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
			log.Info("demo data loaded")
		}
		if _, err := a.books.Ledger().Backfill(ctx, a.store); err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout, demo.Banner)
	}
	for _, err := range a.templates.Check() {
		log.Error("broken template override (the built-in default is used)", "err", err)
	}
	as, err := assets.Load()
	if err != nil {
		return err
	}
	// The jobs and hooks report to the metrics before anything runs.
	m := metrics.New(a.store, func() date.Date { return date.Today(cfg.Location()) }, log)
	a.jobs.Observe, a.subs.Hooks.Observe = m.ObserveJob, m.ObserveHook
	for _, j := range a.jobs.Jobs() {
		m.Jobs(j.Name)
	}
	web := handlers.New(handlers.Deps{Cfg: cfg, Store: a.store, Catalog: a.catalog, Assets: as,
		Accounts: a.accounts, Templates: a.templates, Mail: a.composer, Subs: a.subs, Billing: a.billing,
		ISP: a.isp, Fees: a.fees, Jobs: a.jobs, Lists: a.lists, Bank: a.bank, SEPA: a.sepa, Books: a.books, IPAM: a.ipam, Members: a.members, Collect: a.collect, Log: log,
		SNMP: a.snmp, Metrics: m})

	if s.NoJobs {
		log.Info("scheduled jobs are off in this instance (--no-jobs)")
	} else {
		if err := a.jobs.Start(); err != nil {
			return err
		}
		// E-mail goes out as soon as it is queued, through the outbox job
		// (so under its lock), not only at the next minute.
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-a.sender.Wakeups():
					a.jobs.Trigger("outbox", model.TriggerWakeup)
				}
			}
		}()
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	log.Info("coin is listening", "url", "http://"+ln.Addr().String()+cfg.Server.BasePath+"/",
		"database", a.store.Dialect(), "version", Version())
	errc := make(chan error, 1)
	go func() { errc <- web.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := web.ShutdownWithTimeout(15 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
