package metrics_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"coin/date"
	"coin/metrics"
	"coin/store/storetest"
)

// A database that cannot answer leaves its figures out and says so, and
// the rest of the scrape is still served.
func TestScrapeWithoutDatabase(t *testing.T) {
	s := storetest.SQLite(t)
	m := metrics.New(s, func() date.Date { return date.MustParse("2026-06-15") }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.ObserveRequest("BREW", "/x", 200, time.Millisecond)
	s.Close()
	body, err := m.Render()
	if err != nil {
		t.Fatal(err)
	}
	out := string(body)
	for _, want := range []string{"coin_metrics_store_up 0", "go_goroutines", `coin_http_requests_total{method="other",route="/x",status="200"} 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(out, "coin_members{") {
		t.Error("members counted from a closed database")
	}
}
