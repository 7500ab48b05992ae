package config

// Metrics is the Prometheus endpoint /metrics.
type Metrics struct {
	// Public answers /metrics without authentication: for a scraper on a
	// private network, with coin's port (or the proxy's /metrics) closed to
	// the rest. Off, /metrics wants an admin: a signed-in admin's session,
	// or whatever the program's MetricsAuthorizer accepts (an admin's API
	// token).
	Public bool `toml:"public" env:"PUBLIC"`
}
