package ispdb

import (
	"strings"
	"testing"

	"coin/form"
	"coin/store"
)

func validForm() Form {
	f := FromRecord(fullRecord())
	f.IBAN, f.BIC, f.AdminEmail = "fr76 3000 6000 0112 3456 7890 189", "agrifrpp", "tresorerie@rezo.example"
	return f.WithBlankRows()
}

func TestFormRoundTripsARecord(t *testing.T) {
	f := validForm()
	r := &store.ISP{LogoHash: "keepme", LogoContentType: "image/png"}
	if errs := f.Validate(r, newSchema(t)); errs.Any() {
		t.Fatalf("valid form refused: %v", errs)
	}
	want := fullRecord()
	if r.Name != want.Name || len(r.CoveredAreas) != 2 || len(r.OtherWebsites) != 2 || r.Office != want.Office ||
		*r.Latitude != *want.Latitude || r.ProgressStatus != 7 || len(r.Chatrooms) != 2 {
		t.Fatalf("record: %+v", r)
	}
	if r.IBAN != "FR7630006000011234567890189" || r.BIC != "AGRIFRPP" || f.IBAN != "FR76 3000 6000 0112 3456 7890 189" {
		t.Fatalf("bank: %q %q (form %q)", r.IBAN, r.BIC, f.IBAN)
	}
	if r.LogoHash != "keepme" {
		t.Fatal("the logo was dropped by the form")
	}
	// Blank rows are dropped from the form shown again.
	if len(f.Areas) != 2 || len(f.Websites) != 2 {
		t.Fatalf("rows kept: %d areas, %d websites", len(f.Areas), len(f.Websites))
	}
}

func TestFormRefusesWhatBreaksTheFormat(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(f *Form)
		field string
		msg   string
	}{
		{"no name", func(f *Form) { f.Name = " " }, "name", "err.required"},
		{"no e-mail", func(f *Form) { f.Email = "" }, "email", "err.required"},
		{"bad e-mail", func(f *Form) { f.Email = "contact at rezo" }, "email", "err.email_invalid"},
		{"short name of 16", func(f *Form) { f.ShortName = "Rézo Rhône Alpes" }, "short_name", "ispdb.err.short_name_long"},
		{"relative website", func(f *Form) { f.Website = "rezo.example" }, "website", "ispdb.err.http_url"},
		{"ftp logo", func(f *Form) { f.LogoURL = "ftp://rezo.example/logo.png" }, "logo_url", "ispdb.err.http_url"},
		{"other website not http", func(f *Form) { f.Websites[1].URL = "/wiki" }, WebsiteURLField(1), "ispdb.err.http_url"},
		{"other website without name", func(f *Form) { f.Websites[0].Name = "" }, WebsiteNameField(0), "err.required"},
		{"other websites same name", func(f *Form) { f.Websites[1].Name = "wiki" }, WebsiteNameField(1), "ispdb.err.duplicate_name"},
		{"chatroom without scheme", func(f *Form) { f.Chatrooms = "#rezo on geeknode" }, "chatrooms", "ispdb.err.uri"},
		{"progress 8", func(f *Form) { f.ProgressStatus = "8" }, "progress_status", "err.choice_invalid"},
		{"bad date", func(f *Form) { f.CreationDate = "12/03/2011" }, "creation_date", "ispdb.err.iso_date"},
		{"latitude alone", func(f *Form) { f.Longitude = "" }, "longitude", "ispdb.err.coordinates_pair"},
		{"latitude 91", func(f *Form) { f.Latitude = "91" }, "latitude", "ispdb.err.latitude"},
		{"longitude text", func(f *Form) { f.Longitude = "east" }, "longitude", "ispdb.err.longitude"},
		{"office without region", func(f *Form) { f.Office.Region = "" }, "office_region", "err.required"},
		{"PO box without street", func(f *Form) { f.Office.StreetAddress, f.Office.PostOfficeBox = "", "BP 42" }, "office_street_address", "ispdb.err.street_needed"},
		{"area without technology", func(f *Form) { f.Areas[0].Technologies = nil }, AreaTechField(0), "ispdb.err.technology_required"},
		{"area with 5g", func(f *Form) { f.Areas[0].Technologies = []string{"5g"} }, AreaTechField(0), "err.choice_invalid"},
		{"area without name", func(f *Form) { f.Areas[1].Name = "" }, AreaNameField(1), "err.required"},
		{"open ring", func(f *Form) {
			f.Areas[0].GeoJSON = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`
		}, AreaGeoJSONField(0), "ispdb.err.geojson_ring_open"},
		{"uploaded point", func(f *Form) { f.Areas[0].Upload = []byte(`{"type":"Point","coordinates":[4,45]}`) }, AreaGeoJSONField(0), "ispdb.err.geojson_type"},
		{"upload too large", func(f *Form) { f.Areas[0].UploadTooLarge = true }, AreaGeoJSONField(0), "ispdb.err.geojson_too_large"},
		{"bad IBAN", func(f *Form) { f.IBAN = "FR76 3000 6000 0112 3456 7890 188" }, "iban", "ispdb.err.iban"},
		{"short IBAN", func(f *Form) { f.IBAN = "FR76 0000" }, "iban", "ispdb.err.iban_format"},
		{"wrong RIB key", func(f *Form) { f.IBAN = "FR63 3000 3010 0500 0000 0004 217" }, "iban", "ispdb.err.rib_key"},
		{"bad BIC", func(f *Form) { f.BIC = "AGRI-FR" }, "bic", "ispdb.err.bic"},
		{"bad admin e-mail", func(f *Form) { f.AdminEmail = "treso@" }, "admin_email", "err.email_invalid"},
	}
	schema := newSchema(t)
	for _, c := range cases {
		f := validForm()
		c.edit(&f)
		r := &store.ISP{Name: "unchanged"}
		errs := f.Validate(r, schema)
		if errs.Get(c.field) != c.msg {
			t.Errorf("%s: errors %v, want %s on %s", c.name, errs, c.msg, c.field)
		}
		if r.Name != "unchanged" {
			t.Errorf("%s: the record was changed by an invalid form", c.name)
		}
	}
}

func TestFormRowsAndConveniences(t *testing.T) {
	f := validForm()
	f.Areas[0].Remove = true
	f.Websites[1].Remove = true
	f.Latitude, f.Longitude = "45,7676", " 4,8344 "
	f.Chatrooms = "irc://irc.geeknode.org/#rezo\n\nirc://irc.geeknode.org/#rezo\r\nmatrix:r/rezo:matrix.org"
	// The last, blank-at-first area row gets filled in with an upload.
	f.Areas[2] = AreaRow{Name: "Villeurbanne", Technologies: []string{"wifi"},
		Upload: []byte(`{"type":"Feature","geometry":` + lyonPolygon + `}`)}
	var r store.ISP
	if errs := f.Validate(&r, newSchema(t)); errs.Any() {
		t.Fatalf("refused: %v", errs)
	}
	if len(r.CoveredAreas) != 2 || r.CoveredAreas[0].Name != "Partout (VPN)" || r.CoveredAreas[1].Name != "Villeurbanne" ||
		string(r.CoveredAreas[1].Area) != lyonPolygon {
		t.Fatalf("areas: %+v", r.CoveredAreas)
	}
	if f.Areas[1].GeoJSON != lyonPolygon {
		t.Fatalf("the form does not show the uploaded area: %q", f.Areas[1].GeoJSON)
	}
	if len(r.OtherWebsites) != 1 || *r.Latitude != 45.7676 || *r.Longitude != 4.8344 {
		t.Fatalf("websites %v, coordinates %v %v", r.OtherWebsites, *r.Latitude, *r.Longitude)
	}
	if strings.Join(r.Chatrooms, " ") != "irc://irc.geeknode.org/#rezo matrix:r/rezo:matrix.org" {
		t.Fatalf("chatrooms: %q", r.Chatrooms)
	}
}

func TestFormRefusesADocumentTooLarge(t *testing.T) {
	f := validForm()
	// Many areas of a large (but individually acceptable) polygon.
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := 0; i < 6000; i++ {
		b.WriteString("[4.123456789,45.123456789],")
	}
	b.WriteString(`[4.123456789,45.123456789]]]}`)
	f.Areas = nil
	for i := 0; i < 4; i++ {
		f.Areas = append(f.Areas, AreaRow{Name: "A", Technologies: []string{"wifi"}, GeoJSON: b.String()})
	}
	errs := f.Validate(&store.ISP{}, newSchema(t))
	if errs.Get(DocumentField) != "ispdb.err.document_too_large" {
		t.Fatalf("errors: %v", errs)
	}
}

// TestSchemaViolationsLandOnTheirField covers the last line of defence:
// what the schema refuses is reported next to the field that caused it.
func TestSchemaViolationsLandOnTheirField(t *testing.T) {
	r := fullRecord()
	for pointer, want := range map[string]string{
		"/email": "email", "/shortname": "short_name", "/coordinates/latitude": "latitude",
		"/registeredOffice/country-name": "office_country_name", "/otherWebsites/pad": WebsiteURLField(1),
		"/coveredAreas/1/technologies/0": AreaTechField(1), "/coveredAreas/0/area": AreaGeoJSONField(0),
		"/coveredAreas/0/area/coordinates/0": AreaGeoJSONField(0), "/": DocumentField, "/version": DocumentField,
	} {
		if got := fieldOf(pointer, r); got != want {
			t.Errorf("fieldOf(%q) = %q, want %q", pointer, got, want)
		}
	}
	errs := form.Errors{}
	bad := fullRecord()
	bad.ShortName = "far too long a short name"
	checkDocument(errs, bad, newSchema(t))
	if errs.Get("short_name") != "ispdb.err.schema" {
		t.Fatalf("errors: %v", errs)
	}
}

// A chat address that would run in a browser is refused, and one already
// stored is not published.
func TestChatroomSchemes(t *testing.T) {
	for _, s := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x"} {
		if ChatroomURI(s) {
			t.Errorf("%q accepted as a chat room", s)
		}
	}
	for _, s := range []string{"ircs://irc.example/#isp", "xmpp:isp@muc.example?join", "matrix:r/isp:example.org", "https://chat.example/isp"} {
		if !ChatroomURI(s) {
			t.Errorf("%q refused", s)
		}
	}
	d := Build(&store.ISP{Name: "X", Chatrooms: []string{"javascript:alert(1)", "ircs://irc.example/#isp"}}, Counts{}, "")
	if len(d.Chatrooms) != 1 || d.Chatrooms[0] != "ircs://irc.example/#isp" {
		t.Fatalf("published chat rooms: %q", d.Chatrooms)
	}
}
