// Package metrics is what /metrics tells Prometheus: counters and latency
// histograms fed by the web server, the jobs and the provisioning hooks as
// they run, and gauges read from the database at each scrape (members,
// subscriptions, outbox, open and overdue amounts, database size), plus the
// Go runtime's and the process's own. Everything lives in a private
// registry: nothing is registered globally, so two instances in one test
// binary do not collide.
package metrics

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"coin/date"
	"coin/store"
)

// ContentType is the Content-Type of Write's output: the Prometheus text
// format 0.0.4, which every scraper reads.
var ContentType = string(expfmt.NewFormat(expfmt.TypeTextPlain))

// Metrics holds the registry and the instruments the program feeds.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	requests *prometheus.CounterVec   // method, route, status
	latency  *prometheus.HistogramVec // method, route

	jobRuns     *prometheus.CounterVec // job
	jobFailures *prometheus.CounterVec // job
	jobDuration *prometheus.HistogramVec

	hookRuns     *prometheus.CounterVec // backend, action
	hookFailures *prometheus.CounterVec // backend, action
	hookDuration *prometheus.HistogramVec
}

// New builds the metrics of the program running on st; today gives the day
// in the ISP's time zone (what is overdue, which subscriptions have started).
func New(st *store.Store, today func() date.Date, log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "coin_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern (never the path itself) and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "coin_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "coin_job_runs_total",
		Help: "Runs of each scheduled job in this process (scheduled, Run now, wake-ups), failed ones included.",
	}, []string{"job"})
	m.jobFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "coin_job_failures_total",
		Help: "Runs of each scheduled job in this process that ended with an error.",
	}, []string{"job"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "coin_job_duration_seconds",
		Help:    "Duration of the runs of each job.",
		Buckets: prometheus.ExponentialBuckets(0.01, 4, 10), // 10 ms to 44 min
	}, []string{"job"})
	m.hookRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "coin_hook_runs_total",
		Help: "Runs of provisioning hooks in this process, by backend and action (state included).",
	}, []string{"backend", "action"})
	m.hookFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "coin_hook_failures_total",
		Help: "Runs of provisioning hooks that did not start, timed out or exited non-zero.",
	}, []string{"backend", "action"})
	m.hookDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "coin_hook_duration_seconds",
		Help:    "Duration of the runs of provisioning hooks, by action.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"action"})
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns, m.jobFailures, m.jobDuration,
		m.hookRuns, m.hookFailures, m.hookDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(st.DB(), "coin"),
		newStoreCollector(st, today, log))
	return m
}

// Registry is the private registry, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Jobs makes the counters of these jobs exist at 0 before their first run,
// so that a rate or an alert on failures has a series from the start.
func (m *Metrics) Jobs(names ...string) {
	for _, n := range names {
		m.jobRuns.WithLabelValues(n)
		m.jobFailures.WithLabelValues(n)
	}
}

// ObserveRequest counts one answered request. route must be a pattern
// ("/admin/members/:id<int>"), never the path: paths carry ids and tokens,
// and each distinct value would be a new series.
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	method = knownMethod(method)
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(took.Seconds())
}

// ObserveJob counts one finished run of a job (jobs.Scheduler.Observe).
func (m *Metrics) ObserveJob(job string, ok bool, took time.Duration) {
	m.jobRuns.WithLabelValues(job).Inc()
	failures := m.jobFailures.WithLabelValues(job) // at 0 from the first run
	if !ok {
		failures.Inc()
	}
	m.jobDuration.WithLabelValues(job).Observe(took.Seconds())
}

// ObserveHook counts one run of a provisioning hook (provision.Runner.Observe).
func (m *Metrics) ObserveHook(backend, action string, ok bool, took time.Duration) {
	m.hookRuns.WithLabelValues(backend, action).Inc()
	failures := m.hookFailures.WithLabelValues(backend, action) // at 0 from the first run
	if !ok {
		failures.Inc()
	}
	m.hookDuration.WithLabelValues(action).Observe(took.Seconds())
}

// Render gathers every metric and encodes it in the text format. A
// collector that fails is logged and left out: the others are still worth
// scraping (and coin_metrics_store_up says the store's figures are missing).
func (m *Metrics) Render() ([]byte, error) {
	families, err := m.reg.Gather()
	if err != nil {
		m.log.Warn("gather metrics", "err", err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return nil, fmt.Errorf("encode metric %s: %w", f.GetName(), err)
		}
	}
	return b.Bytes(), nil
}

// knownMethods are the methods the method label may hold: a client may
// send any token there.
var knownMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace}

// knownMethod returns the constant equal to method, or "other". Never the
// argument itself: Fiber's strings point into the request's buffer, reused
// by the next request, and a label value is kept for good.
func knownMethod(method string) string {
	for _, m := range knownMethods {
		if m == method {
			return m
		}
	}
	return "other"
}
