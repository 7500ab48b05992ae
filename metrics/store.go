package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"coin/date"
	"coin/model"
	"coin/store"
)

// outboxCap bounds the count of queued and failed messages: a count walks
// the index outbox_status, and past this figure the outbox is stuck
// whatever the exact number.
const outboxCap = 100000

// scrapeTimeout bounds the queries of one scrape.
const scrapeTimeout = 10 * time.Second

// storeCollector reads the database's figures at each scrape, so that they
// are those of the database (every instance sharing it agrees), not of one
// process. Each query walks an index range of what is live (see
// store/metrics.go, store.OpenTotals, store.CountMessages).
type storeCollector struct {
	st    *store.Store
	today func() date.Date
	log   *slog.Logger
	// mu makes concurrent scrapes wait for one another instead of
	// running the queries side by side.
	mu sync.Mutex

	members, subscriptions, outbox *prometheus.Desc
	openCount, openCents           *prometheus.Desc
	overdueCount, overdueCents     *prometheus.Desc
	dbSize, up, duration           *prometheus.Desc
}

func newStoreCollector(st *store.Store, today func() date.Date, log *slog.Logger) *storeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &storeCollector{st: st, today: today, log: log,
		members:       d("coin_members", "Members by status (member, pending); former members are not counted.", "status"),
		subscriptions: d("coin_subscriptions", "Subscriptions not ended, by state (active, suspended, upcoming).", "state"),
		outbox:        d("coin_outbox_messages", "E-mails in the outbox waiting to be sent (queued) or given up on (failed); counted up to 100000.", "status"),
		openCount:     d("coin_open_invoices", "Validated invoices not fully paid."),
		openCents:     d("coin_open_amount_cents", "Amount still due on the open invoices, in cents of the billing currency."),
		overdueCount:  d("coin_overdue_invoices", "Open invoices past their due date."),
		overdueCents:  d("coin_overdue_amount_cents", "Amount still due on the overdue invoices, in cents of the billing currency."),
		dbSize:        d("coin_database_size_bytes", "Size of the database: SQLite's pages, or pg_database_size on PostgreSQL."),
		up:            d("coin_metrics_store_up", "1 when every database figure of this scrape was read, 0 when one failed (see the log)."),
		duration:      d("coin_metrics_store_duration_seconds", "Time the database figures of this scrape took."),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.members, c.subscriptions, c.outbox, c.openCount, c.openCents,
		c.overdueCount, c.overdueCents, c.dbSize, c.up, c.duration} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	up := 1.0
	failed := func(what string, err error) {
		c.log.Warn("metrics: read "+what, "err", err)
		up = 0
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	today := c.today()

	if live, err := c.st.CountLiveMembers(ctx); err != nil {
		failed("members", err)
	} else {
		for _, s := range []string{model.StatusMember, model.StatusPending} {
			gauge(c.members, float64(live[s]), s)
		}
	}
	if s, err := c.st.CountSubscriptionStates(ctx, today); err != nil {
		failed("subscriptions", err)
	} else {
		gauge(c.subscriptions, float64(s.Active), "active")
		gauge(c.subscriptions, float64(s.Suspended), "suspended")
		gauge(c.subscriptions, float64(s.Upcoming), "upcoming")
	}
	for _, status := range []string{model.OutboxQueued, model.OutboxFailed} {
		if n, err := c.st.CountMessages(ctx, status, outboxCap); err != nil {
			failed("outbox", err)
		} else {
			gauge(c.outbox, float64(n), status)
		}
	}
	if open, overdue, err := c.st.OpenTotals(ctx, today); err != nil {
		failed("open invoices", err)
	} else {
		gauge(c.openCount, float64(open.Count))
		gauge(c.openCents, float64(open.TotalCents-open.PaidCents))
		gauge(c.overdueCount, float64(overdue.Count))
		gauge(c.overdueCents, float64(overdue.TotalCents-overdue.PaidCents))
	}
	if n, err := c.st.DatabaseSize(ctx); err != nil {
		failed("database size", err)
	} else {
		gauge(c.dbSize, float64(n))
	}
	gauge(c.up, up)
	gauge(c.duration, time.Since(start).Seconds())
}
