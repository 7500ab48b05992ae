package ispdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/store"
)

const lyonPolygon = `{"type":"Polygon","coordinates":[[[4.8187,45.7797],[4.8447,45.7797],[4.8447,45.7626],[4.8187,45.7626],[4.8187,45.7797]]]}`

func newSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fullRecord sets every field of the format.
func fullRecord() *store.ISP {
	lat, lon := 45.7676, 4.8344
	return &store.ISP{Name: "Rézo Rhône", ShortName: "Rézo", Description: "FAI associatif lyonnais",
		LogoURL: "https://rezo.example/logo.png", Website: "https://rezo.example/",
		OtherWebsites: []store.ISPWebsite{{Name: "wiki", URL: "https://wiki.rezo.example/"}, {Name: "pad", URL: "http://pad.rezo.example/"}},
		Email:         "contact@rezo.example", MainMailingList: "discussions@listes.rezo.example",
		CreationDate: "2011-03-12", FFDNMemberSince: "2012-01-20",
		ProgressStatus: 7, Latitude: &lat, Longitude: &lon,
		Chatrooms: []string{"irc://irc.geeknode.org/#rezo", "xmpp:rezo@conference.rezo.example?join"},
		CoveredAreas: []store.CoveredArea{{Name: "Lyon 1er", Technologies: []string{"wifi", "ftth"}, Area: json.RawMessage(lyonPolygon)},
			{Name: "Partout (VPN)", Technologies: []string{"dsl"}}},
		Office: store.Office{StreetAddress: "12 rue des Tables Claudiennes", ExtendedAddress: "Bâtiment B",
			PostalCode: "69001", Locality: "Lyon", Region: "Auvergne-Rhône-Alpes", CountryName: "France"}}
}

func TestFullAndMinimalDocumentsValidate(t *testing.T) {
	s := newSchema(t)
	full, err := Build(fullRecord(), Counts{Members: 42, Subscribers: 17}, "").JSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(full); err != nil {
		t.Fatalf("full document: %v\n%s", err, full)
	}
	for _, want := range []string{`"version":0.1`, `"memberCount":42`, `"subscriberCount":17`, `"shortname":"Rézo"`,
		`"otherWebsites":{"pad":"http://pad.rezo.example/","wiki":"https://wiki.rezo.example/"}`,
		`"registeredOffice":{"extended-address":"Bâtiment B","street-address":"12 rue des Tables Claudiennes","locality":"Lyon","region":"Auvergne-Rhône-Alpes","postal-code":"69001","country-name":"France"}`,
		`"coordinates":{"latitude":45.7676,"longitude":4.8344}`, `"creationDate":"2011-03-12"`, `"progressStatus":7`,
		`{"name":"Partout (VPN)","technologies":["dsl"]}`} {
		if !bytes.Contains(full, []byte(want)) {
			t.Errorf("document lacks %s:\n%s", want, full)
		}
	}
	minimal, _ := Build(&store.ISP{Name: "FAI", Email: "fai@example.org"}, Counts{}, "").JSON()
	if err := s.Validate(minimal); err != nil {
		t.Fatalf("minimal: %v", err)
	}
	// Only fields that are set appear.
	if got := strings.TrimSpace(string(minimal)); got != `{"name":"FAI","email":"fai@example.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1}` {
		t.Fatalf("minimal document: %s", got)
	}
	// The uploaded logo's URL is used only when the record names none.
	if d := Build(&store.ISP{Name: "FAI", Email: "e@x.org"}, Counts{}, "https://coin.example/isp/logo/ab"); d.LogoURL != "https://coin.example/isp/logo/ab" {
		t.Fatalf("logo URL: %q", d.LogoURL)
	}
}

// TestSchemaRefusesBadDocuments makes sure the validator really applies
// the schema and its three referenced schemas.
func TestSchemaRefusesBadDocuments(t *testing.T) {
	s := newSchema(t)
	bad := map[string]string{
		"missing email":  `{"name":"F","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1}`,
		"wrong version":  `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.2}`,
		"long shortname": `{"name":"F","shortname":"sixteen chars xx","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1}`,
		"progress 8":     `{"name":"F","progressStatus":8,"email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1}`,
		"bad email":      `{"name":"F","email":"not an address","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1}`,
		"office w/o region": `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1,
			"registeredOffice":{"locality":"Lyon","country-name":"France"}}`,
		"coordinates text": `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1,"coordinates":{"latitude":"45"}}`,
		"short ring": `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"version":0.1,
			"coveredAreas":[{"name":"A","technologies":["wifi"],"area":{"type":"Polygon","coordinates":[[[4,45],[5,45],[4,45]]]}}]}`,
		"point area": `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"version":0.1,
			"coveredAreas":[{"name":"A","technologies":["wifi"],"area":{"type":"Point","coordinates":[4,45]}}]}`,
		"unknown technology": `{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"version":0.1,
			"coveredAreas":[{"name":"A","technologies":["5g"]}]}`,
	}
	for name, doc := range bad {
		err := s.Validate([]byte(doc))
		var se *SchemaError
		if !errors.As(err, &se) || len(se.Violations) == 0 {
			t.Errorf("%s: got %v, want a schema error", name, err)
		}
	}
	if err := s.Validate([]byte("{")); err == nil {
		t.Error("broken JSON accepted")
	}
}

// TestEmbeddedSchemasMatchShared guards against the copies drifting from
// shared/ffdn, when the project's shared folder is beside the repository.
func TestEmbeddedSchemasMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "ffdn")
	if _, err := os.Stat(shared); err != nil {
		t.Skip("shared/ffdn not beside the repository")
	}
	for file, src := range map[string]string{"isp-0.1.json": "isp-0.1.json", "address.json": "address.json",
		"geo.json": "geo.json", "geojson.json": "geojson/geojson.json"} {
		want, err := os.ReadFile(filepath.Join(shared, src))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := schemaFS.ReadFile("schema/" + file)
		if !bytes.Equal(got, want) {
			t.Errorf("schema/%s differs from shared/ffdn/%s", file, src)
		}
	}
}

func TestParseArea(t *testing.T) {
	s := newSchema(t)
	good := map[string]string{
		"polygon":      lyonPolygon,
		"with hole":    `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[3,2],[3,3],[2,2]]]}`,
		"multipolygon": `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`,
		"feature":      `{"type":"Feature","properties":{"name":"x"},"geometry":` + lyonPolygon + `}`,
		"collection": `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + lyonPolygon +
			`},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		"extremes": `{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}`,
	}
	for name, in := range good {
		out, err := ParseArea([]byte(" \n" + in + "\n"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		r := &store.ISP{Name: "F", Email: "f@x.org", CoveredAreas: []store.CoveredArea{{Name: "A", Technologies: []string{"wifi"}, Area: out}}}
		doc, _ := Build(r, Counts{}, "").JSON()
		if err := s.Validate(doc); err != nil {
			t.Errorf("%s: parsed area fails the schema: %v\n%s", name, err, out)
		}
	}
	if out, _ := ParseArea([]byte(good["collection"])); !bytes.HasPrefix(out, []byte(`{"type":"MultiPolygon"`)) {
		t.Errorf("a collection of two polygons gives %s", out)
	}
	if out, _ := ParseArea([]byte(good["feature"])); string(out) != lyonPolygon {
		t.Errorf("feature gives %s", out)
	}
	bad := map[string]string{
		"not json":        `{"type":"Polygon",`,
		"point":           `{"type":"Point","coordinates":[4,45]}`,
		"linestring":      `{"type":"LineString","coordinates":[[4,45],[5,46]]}`,
		"three positions": `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`,
		"open ring":       `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`,
		"longitude 200":   `{"type":"Polygon","coordinates":[[[200,0],[1,0],[1,1],[200,0]]]}`,
		"latitude -91":    `{"type":"Polygon","coordinates":[[[0,-91],[1,0],[1,1],[0,-91]]]}`,
		"lat/lon swapped": `{"type":"Polygon","coordinates":[[[45.7,100.8],[45.8,100.8],[45.8,100.9],[45.7,100.8]]]}`,
		"one number":      `{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0]]]}`,
		"null number":     `{"type":"Polygon","coordinates":[[[null,0],[1,0],[1,1],[null,0]]]}`,
		"string number":   `{"type":"Polygon","coordinates":[[["0",0],[1,0],[1,1],["0",0]]]}`,
		"no rings":        `{"type":"Polygon","coordinates":[]}`,
		"no coordinates":  `{"type":"Polygon"}`,
		"empty multi":     `{"type":"MultiPolygon","coordinates":[]}`,
		"empty feature":   `{"type":"Feature","geometry":null}`,
		"feature point":   `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`,
		"array":           `[1,2]`,
		"empty":           ``,
	}
	for name, in := range bad {
		_, err := ParseArea([]byte(in))
		var ae *AreaError
		if !errors.As(err, &ae) || !strings.HasPrefix(ae.Msg, "ispdb.err.geojson_") {
			t.Errorf("%s: got %v, want an AreaError", name, err)
		}
	}
	_, err := ParseArea([]byte(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`))
	if ae := (*AreaError)(nil); !errors.As(err, &ae) || ae.Msg != "ispdb.err.geojson_ring_open" {
		t.Errorf("open ring message: %v", err)
	}
}

// FuzzParseArea feeds any bytes to the GeoJSON reader: it never panics, and
// whatever it accepts passes the format's schema.
func FuzzParseArea(f *testing.F) {
	for _, s := range []string{lyonPolygon, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`,
		`{"type":"Feature","geometry":` + lyonPolygon + `}`, `{"type":"FeatureCollection","features":[]}`, `{}`, `null`} {
		f.Add([]byte(s))
	}
	s := newSchema(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ParseArea(in)
		if err != nil {
			return
		}
		r := &store.ISP{Name: "F", Email: "f@x.org", CoveredAreas: []store.CoveredArea{{Name: "A", Technologies: []string{"wifi"}, Area: out}}}
		doc, _ := Build(r, Counts{}, "").JSON()
		if err := s.Validate(doc); err != nil {
			t.Fatalf("accepted %q, giving %s, which fails the schema: %v", in, out, err)
		}
	})
}

func TestParseLogo(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)
	if l, err := ParseLogo(png); err != nil || l.ContentType != "image/png" || len(l.Hash) != 16 {
		t.Fatalf("png: %v %+v", err, l)
	}
	for _, svg := range []string{`<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- logo -->\n<!DOCTYPE svg>\n<svg\nviewBox=\"0 0 1 1\"/>"} {
		if l, err := ParseLogo([]byte(svg)); err != nil || l.ContentType != "image/svg+xml" {
			t.Errorf("svg %q: %v", svg, err)
		}
	}
	for name, body := range map[string][]byte{"empty": nil, "html": []byte("<html><script>x</script></html>"),
		"text": []byte("hello"), "svgz prefix": []byte("<svgx>"), "pdf": []byte("%PDF-1.4\n")} {
		var le *LogoError
		if _, err := ParseLogo(body); !errors.As(err, &le) || le.Msg != "ispdb.err.logo_type" {
			t.Errorf("%s: %v", name, err)
		}
	}
	big := append(append([]byte(nil), png...), make([]byte, MaxLogoSize)...)
	if _, err := ParseLogo(big); err == nil || err.(*LogoError).Msg != "ispdb.err.logo_too_large" {
		t.Errorf("large: %v", err)
	}
}

func TestIdentity(t *testing.T) {
	if id := IdentityOf(nil); id.Name != DefaultName || len(id.AddressLines) != 0 {
		t.Fatalf("no record: %+v", id)
	}
	r := fullRecord()
	r.IBAN, r.AdminEmail = "FR7630006000011234567890189", "tresorerie@rezo.example"
	id := IdentityOf(r)
	if strings.Join(id.AddressLines, "|") != "Bâtiment B|12 rue des Tables Claudiennes|69001 Lyon|France" {
		t.Fatalf("office lines: %q", id.AddressLines)
	}
	if id.IBANFormatted() != "FR76 3000 6000 0112 3456 7890 189" || id.AdminEmail != "tresorerie@rezo.example" {
		t.Fatalf("identity: %+v", id)
	}
	r.PostalAddress = "Rézo Rhône\r\nBP 42\n\n69001 Lyon cedex\n"
	if got := IdentityOf(r).AddressLines; strings.Join(got, "|") != "Rézo Rhône|BP 42|69001 Lyon cedex" {
		t.Fatalf("postal address lines: %q", got)
	}
}
