package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"coin/store"
)

// TestCheckReportsStoredAreaTheCrawlerRefuses: db.ffdn.org validates every
// covered area against the geometry schema it registers for
// http://json-schema.org/geojson/geojson.json (shared/ffdn/geojson/geojson.json:
// a position is an array of numbers with minItems 2; a ring has minItems 4)
// and its README requires "a GeoJSON geometry that a spatial database
// accepts" (closed rings). A record stored before the form refused such
// areas, or written by other means, must make `coin check` fail, naming
// the area, instead of saying ok.
func TestCheckReportsStoredAreaTheCrawlerRefuses(t *testing.T) {
	dir := t.TempDir()
	env := []string{"COIN_SERVER_DATA_DIR=" + dir, "COIN_SERVER_SECRET_KEY=" + strings.Repeat("s", 40)}
	if r := run(t, "", env, "migrate"); r.status != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(dir, "coin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	save := func(area string) {
		t.Helper()
		r := &store.ISP{Name: "Rézo", Email: "contact@rezo.example",
			CoveredAreas: []store.CoveredArea{{Name: "Lyon", Technologies: []string{"wifi"}, Area: json.RawMessage(area)}}}
		if err := st.SaveISP(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// A 3-D position ([lon, lat, altitude]) makes db.ffdn.org's crawler fail
	// the whole file (issue 20): coin check says so.
	save(`{"type":"Polygon","coordinates":[[[4.8,45.7,170],[4.9,45.7,170],[4.9,45.8,170],[4.8,45.7,170]]]}`)
	if r := run(t, "", env, "check"); r.status == 0 || !strings.Contains(r.stdout, "position 1 has 3 numbers") {
		t.Fatalf("3-D area: %d %q", r.status, r.stdout)
	}
	save(`{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.7]]]}`)
	if r := run(t, "", env, "check"); r.status != 0 || !strings.Contains(r.stdout, "ok   ISP record of Rézo") {
		t.Fatalf("2-D area: %d %q", r.status, r.stdout)
	}
	for name, area := range map[string]string{
		"one-number position (geojson.json position minItems 2)": `{"type":"Polygon","coordinates":[[[4.8],[4.9,45.7],[4.9,45.8],[4.8]]]}`,
		"three-position ring (geojson.json ring minItems 4)":     `{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.8,45.7]]]}`,
		"open ring (README: a spatial database accepts it)":      `{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.8]]]}`,
		"Point (geojson.json: Polygon or MultiPolygon)":          `{"type":"Point","coordinates":[4.8,45.7]}`,
	} {
		save(area)
		r := run(t, "", env, "check")
		if r.status != 1 || !strings.Contains(r.stdout, "FAIL ISP record") || !strings.Contains(r.stdout, "covered area 1 (Lyon)") {
			t.Errorf("%s: %d %q", name, r.status, r.stdout)
		}
	}
}
