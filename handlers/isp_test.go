package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"coin/model"
	"coin/store"
)

const croixRousse = `{"type":"Polygon","coordinates":[[[4.819,45.779],[4.843,45.776],[4.835,45.7705],[4.819,45.779]]]}`

// ispForm is a complete, valid submission of the ISP record form.
func ispForm() url.Values {
	return url.Values{
		"name": {"Traboule"}, "short_name": {"Traboule"}, "description": {"FAI associatif lyonnais"},
		"email": {"contact@traboule.example"}, "website": {"https://traboule.example/"},
		"main_mailing_list": {"discussions@listes.traboule.example"}, "creation_date": {"2012-05-12"},
		"ffdn_member_since": {"2013-02-16"}, "progress_status": {"7"},
		"office_street_address": {"12 rue d'Austerlitz"}, "office_postal_code": {"69004"},
		"office_locality": {"Lyon"}, "office_region": {"Auvergne-Rhône-Alpes"}, "office_country_name": {"France"},
		"latitude": {"45,7745"}, "longitude": {"4.832"},
		"website_count": {"2"}, "website_name_0": {"wiki"}, "website_url_0": {"https://wiki.traboule.example/"},
		"chatrooms":  {"ircs://irc.traboule.example/#traboule"},
		"area_count": {"2"}, "area_name_0": {"Croix-Rousse"}, "area_tech_0": {"wifi", "ftth"},
		"area_geojson_0": {croixRousse},
		"phone":          {"+33 4 78 00 12 34"}, "admin_email": {"tresorerie@traboule.example"},
		"iban": {"fr76 4255 9100 0008 0123 4567 812"}, "bic": {"ccopfrpp"}, "bank_name": {"Crédit Coopératif"},
		"legal_mentions": {"Association loi 1901 — SIRET 812 345 678 00015"},
	}
}

func saveRecord(t *testing.T, a *testApp) {
	t.Helper()
	v := ispForm()
	lat, lon := 45.7745, 4.832
	r := &store.ISP{Name: v.Get("name"), Email: v.Get("email"), Website: v.Get("website"),
		Office: store.Office{StreetAddress: "12 rue d'Austerlitz", PostalCode: "69004", Locality: "Lyon",
			Region: "Auvergne-Rhône-Alpes", CountryName: "France"}, Latitude: &lat, Longitude: &lon,
		CoveredAreas: []store.CoveredArea{{Name: "Croix-Rousse", Technologies: []string{"wifi"}, Area: json.RawMessage(croixRousse)}},
		IBAN:         "FR7642559100000801234567812", BIC: "CCOPFRPP", Phone: "+33 4 78 00 12 34",
		LegalMentions: "Association loi 1901", AdminEmail: "tresorerie@traboule.example"}
	if err := a.isp.Save(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func TestISPJSONForTheCrawler(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		res := b.get("/isp.json")
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "not filled in") ||
			res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("before the record: %d %q %s", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		a.addMember("alice", "member", "password-a")
		pending := a.addMember("bob", "member", "password-b")
		pending.Status = model.StatusPending
		a.store.UpdateMember(context.Background(), pending)
		saveRecord(t, a)

		res = b.get("/isp.json")
		if res.Status != 200 {
			t.Fatalf("isp.json: %d %s", res.Status, res.Body)
		}
		for h, want := range map[string]string{"Content-Type": "application/json; charset=utf-8",
			"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"} {
			if got := res.Header.Get(h); got != want {
				t.Fatalf("%s = %q, want %q", h, got, want)
			}
		}
		if res.Header.Get("Set-Cookie") != "" {
			t.Fatalf("isp.json sets a cookie (it must stay outside the session): %q", res.Header.Get("Set-Cookie"))
		}
		etag, lm := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		lmTime, err := http.ParseTime(lm)
		if !strings.HasPrefix(etag, `"`) || err != nil {
			t.Fatalf("ETag %q, Last-Modified %q (%v)", etag, lm, err)
		}
		if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n != len(res.Body) || n > 1<<20 {
			t.Fatalf("Content-Length %q for %d bytes", res.Header.Get("Content-Length"), len(res.Body))
		}
		if err := a.isp.Schema().Validate([]byte(res.Body)); err != nil {
			t.Fatalf("isp.json fails the schema: %v\n%s", err, res.Body)
		}
		var doc map[string]any
		json.Unmarshal([]byte(res.Body), &doc)
		if doc["memberCount"] != 1.0 || doc["subscriberCount"] != 0.0 || doc["version"] != 0.1 || doc["name"] != "Traboule" {
			t.Fatalf("document: %v", doc)
		}
		if _, ok := doc["shortname"]; ok {
			t.Fatal("an unset field is in the document")
		}

		// Conditional requests.
		for name, hdr := range map[string][]string{
			"same etag":           {"If-None-Match", etag},
			"weak etag in a list": {"If-None-Match", `"nope", W/` + etag},
			"star":                {"If-None-Match", "*"},
			"same date":           {"If-Modified-Since", lm},
			"later date":          {"If-Modified-Since", lmTime.Add(time.Hour).Format(http.TimeFormat)},
		} {
			res := b.get("/isp.json", hdr...)
			if res.Status != http.StatusNotModified || res.Body != "" || res.Header.Get("ETag") != etag ||
				res.Header.Get("Cache-Control") == "" || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("%s: %d %q %v", name, res.Status, res.Body, res.Header)
			}
		}
		for name, hdr := range map[string][]string{
			"other etag":   {"If-None-Match", `"0000"`},
			"earlier date": {"If-Modified-Since", lmTime.Add(-time.Second).Format(http.TimeFormat)},
			"bad date":     {"If-Modified-Since", "yesterday"},
			// If-None-Match wins over If-Modified-Since.
			"etag wins": {"If-None-Match", `"0000"`, "If-Modified-Since", lm},
		} {
			if res := b.get("/isp.json", hdr...); res.Status != 200 || res.Body == "" {
				t.Fatalf("%s: %d", name, res.Status)
			}
		}

		// A new member changes the document: new ETag, later Last-Modified.
		a.addMember("carla", "member", "password-c")
		res = b.get("/isp.json", "If-None-Match", etag)
		if res.Status != 200 || res.Header.Get("ETag") == etag || !strings.Contains(res.Body, `"memberCount":2`) {
			t.Fatalf("after a new member: %d %s %s", res.Status, res.Header.Get("ETag"), res.Body)
		}
		lm2, _ := http.ParseTime(res.Header.Get("Last-Modified"))
		if !lm2.After(lmTime) {
			t.Fatalf("Last-Modified did not move: %s then %s", lm, res.Header.Get("Last-Modified"))
		}
		if res := b.get("/isp.json", "If-Modified-Since", lm); res.Status != 200 {
			t.Fatalf("old If-Modified-Since after a change: %d", res.Status)
		}

		// HEAD and the CORS preflight.
		head := b.do(httptest.NewRequest(http.MethodHead, "/isp.json", nil))
		if head.Status != 200 || head.Body != "" || head.Header.Get("ETag") == "" {
			t.Fatalf("HEAD: %d %q", head.Status, head.Body)
		}
		pre := b.do(httptest.NewRequest(http.MethodOptions, "/isp.json", nil))
		if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("OPTIONS: %d %v", pre.Status, pre.Header)
		}
	})
}

func TestISPJSONMaxAgeIsConfigurable(t *testing.T) {
	eachApp(t, func(c *configT) { c.ISPDB.MaxAge = 6 * time.Hour }, func(t *testing.T, a *testApp) {
		saveRecord(t, a)
		if got := a.browser().get("/isp.json").Header.Get("Cache-Control"); got != "public, max-age=21600" {
			t.Fatalf("Cache-Control %q", got)
		}
	})
}

// postMultipart submits a multipart form with files (name → file body).
func (b *browser) postMultipart(path string, form url.Values, files map[string][]byte, headers ...string) response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := w.CreateFormFile(name, name+".bin")
		fw.Write(data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

func TestISPFormSavesAndRefuses(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get("/admin/isp")
		mustContain(t, page.Body, `id="isp-form"`, `name="area_count" value="1"`, `name="area_name_0"`,
			`name="website_name_0"`, `enctype="multipart/form-data"`, "/isp.json answers once")
		mustContain(t, b.get("/admin/").Body, `href="/admin/isp"`)

		// Invalid: each problem is reported on its field, nothing is saved.
		bad := ispForm()
		bad.Set("website", "traboule.example")
		bad.Set("iban", "FR76 4255 9100 0008 0123 4567 813")
		bad.Set("area_geojson_0", `{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.8]]]}`)
		bad.Set("short_name", "Traboule Lyon Rhône")
		res := b.post("/admin/isp", bad)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid form: %d", res.Status)
		}
		mustContain(t, res.Body, "Enter a full address starting with https://", "This IBAN is not valid",
			"A ring is not closed", "15 characters at most.", `id="e-area_geojson_0"`, `value="Traboule"`)
		if _, err := a.store.ISP(t.Context()); err == nil {
			t.Fatal("an invalid form saved the record")
		}

		// Valid, with an area uploaded as a file in the blank row.
		good := ispForm()
		good.Set("area_name_1", "Villeurbanne")
		good.Set("area_tech_1", "dsl")
		feature := []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.87,45.77],[4.89,45.77],[4.89,45.76],[4.87,45.77]]]}}`)
		res = b.postMultipart("/admin/isp", good, map[string][]byte{"area_file_1": feature})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("valid form: %d\n%s", res.Status, res.Body)
		}
		r, err := a.store.ISP(t.Context())
		if err != nil || r.Name != "Traboule" || len(r.CoveredAreas) != 2 || r.IBAN != "FR7642559100000801234567812" ||
			r.BIC != "CCOPFRPP" || *r.Latitude != 45.7745 || len(r.OtherWebsites) != 1 ||
			!strings.HasPrefix(string(r.CoveredAreas[1].Area), `{"type":"Polygon"`) {
			t.Fatalf("saved: %v %+v", err, r)
		}
		page = b.get("/admin/isp")
		mustContain(t, page.Body, "The ISP record has been saved.", "FR76 4255 9100 0008 0123 4567 812",
			`name="area_count" value="3"`, "http://coin.test/isp.json")
		if res := b.get("/isp.json"); res.Status != 200 || a.isp.Schema().Validate([]byte(res.Body)) != nil {
			t.Fatalf("isp.json after the form: %d %s", res.Status, res.Body)
		}

		// "Add an area" shows one more blank row without saving.
		more := ispForm()
		more.Set("add_area", "1")
		more.Set("name", "Not saved")
		more.Set("area_remove_0", "1")
		res = b.post("/admin/isp", more)
		if res.Status != 200 || !strings.Contains(res.Body, `name="area_count" value="2"`) || !strings.Contains(res.Body, `value="Not saved"`) {
			t.Fatalf("add area: %d", res.Status)
		}
		if r, _ := a.store.ISP(t.Context()); r.Name != "Traboule" {
			t.Fatal("adding a row saved the record")
		}
		// Removing a row by its checkbox.
		rm := ispForm()
		rm.Set("area_remove_0", "1")
		if res := b.post("/admin/isp", rm); res.Status != http.StatusSeeOther {
			t.Fatalf("remove area: %d", res.Status)
		}
		if r, _ := a.store.ISP(t.Context()); len(r.CoveredAreas) != 0 {
			t.Fatalf("area not removed: %+v", r.CoveredAreas)
		}
	})
}

func TestISPLogoUpload(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/isp")
		res := b.postMultipart("/admin/isp/logo", url.Values{}, map[string][]byte{"logo": []byte("<html><script>alert(1)</script>")})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("bad logo: %d", res.Status)
		}
		mustContain(t, b.get("/admin/isp").Body, "The logo must be a PNG, JPEG, GIF, WebP or SVG image.")
		if _, err := a.store.ISPLogo(t.Context()); err == nil {
			t.Fatal("a bad logo was stored")
		}
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`)
		if res := b.postMultipart("/admin/isp/logo", url.Values{}, map[string][]byte{"logo": svg}); res.Status != http.StatusSeeOther {
			t.Fatalf("logo: %d", res.Status)
		}
		page := b.get("/admin/isp")
		mustContain(t, page.Body, "The logo has been replaced.")
		logo, _ := a.store.ISPLogo(t.Context())
		src := "/isp/logo/" + logo.Hash
		mustContain(t, page.Body, `class="brand"`, `src="`+src+`"`)
		visitor := a.browser()
		res = visitor.get(src)
		if res.Status != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || res.Body != string(svg) ||
			!strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
			!strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("logo: %d %v", res.Status, res.Header)
		}
		// With no record name or e-mail, isp.json still answers 404.
		if res := visitor.get("/isp.json"); res.Status != http.StatusNotFound {
			t.Fatalf("isp.json with only a logo: %d", res.Status)
		}
		b.get("/admin/isp")
		if res := b.post("/admin/isp/logo/delete", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.Status)
		}
		if res := visitor.get(src); res.Status != http.StatusNotFound {
			t.Fatalf("deleted logo: %d", res.Status)
		}
	})
}

func TestISPPagesAreForAdminsOnly(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		for _, role := range []string{"member", "support", "treasurer"} {
			a.addMember(role, role, role+"-password")
			b := a.browser()
			b.login(role, role+"-password")
			for _, p := range []string{"/admin/isp", "/admin/templates", "/admin/templates/email/welcome.fr.txt"} {
				if res := b.get(p); res.Status != http.StatusForbidden {
					t.Fatalf("%s GET %s: %d", role, p, res.Status)
				}
			}
			b.get("/profile")
			if res := b.post("/admin/isp", ispForm()); res.Status != http.StatusForbidden {
				t.Fatalf("%s POST /admin/isp: %d", role, res.Status)
			}
			if res := b.postMultipart("/admin/isp/logo", url.Values{}, map[string][]byte{"logo": []byte("<svg></svg>")}); res.Status != http.StatusForbidden {
				t.Fatalf("%s POST logo: %d", role, res.Status)
			}
			mustNotContain(t, b.get("/profile").Body, `href="/admin/isp"`)
		}
		if _, err := a.store.ISP(t.Context()); err == nil {
			t.Fatal("a non-admin saved the record")
		}
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		if res := b.postRaw("/admin/isp", ispForm()); res.Status != http.StatusForbidden {
			t.Fatalf("without CSRF token: %d", res.Status)
		}
		if _, err := a.store.ISP(t.Context()); err == nil {
			t.Fatal("saved without a CSRF token")
		}
		v := a.browser()
		if res := v.get("/admin/isp"); res.Status != http.StatusSeeOther {
			t.Fatalf("visitor: %d", res.Status)
		}
	})
}

func TestIdentityInPagesAndMail(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		b := a.browser()
		mustContain(t, b.get("/login").Body, "<title>Sign in · coin</title>")
		saveRecord(t, a)
		page := b.get("/login")
		mustContain(t, page.Body, "<title>Sign in · Traboule</title>", "12 rue d&#39;Austerlitz", "69004 Lyon",
			"Association loi 1901", `href="mailto:contact@traboule.example"`, "+33 4 78 00 12 34", `href="/legal"`)
		// Members see where to pay by bank transfer.
		a.addMember("zoe", "member", "password-z")
		m := a.browser()
		m.login("zoe", "password-z")
		mustContain(t, m.get("/").Body, `id="bank-details"`, "FR76 4255 9100 0008 0123 4567 812", "CCOPFRPP")
		legal := b.get("/legal")
		mustContain(t, legal.Body, "Legal notice", "Publisher", "Traboule<br>12 rue d&#39;Austerlitz<br>69004 Lyon<br>France",
			"Association loi 1901")
		b.lang = "fr"
		mustContain(t, b.get("/legal").Body, "Mentions légales", "Éditeur", "Données personnelles")
		// E-mails are signed with the record's name.
		a.addMember("alice", "member", "password-a")
		b.get("/password-reset")
		b.post("/password-reset", url.Values{"who": {"alice"}})
		_, msg := lastMailLink(t, a, "alice@example.org")
		if !strings.Contains(msg.Subject+msg.TextBody, "Traboule") {
			t.Fatalf("mail without the ISP name:\n%s\n%s", msg.Subject, msg.TextBody)
		}
	})
}
