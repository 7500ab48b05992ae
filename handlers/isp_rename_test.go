package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestISPRenameWarnsAboutDBFFDN: db.ffdn.org refuses an update of an entry
// whose name or short name changed (issue 20, db.ffdn.org part): when the
// admin changes either in the ISP form, coin says the change must be made
// on db.ffdn.org too, in the form shown again and after saving; not when
// they are unchanged, nor on the first save. The SIREN is saved too.
func TestISPRenameWarnsAboutDBFFDN(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		const warning = "make the same change on db.ffdn.org too"

		b.get("/admin/isp")
		first := ispForm()
		first.Set("siren", "732 829 320")
		if res := b.post("/admin/isp", first); res.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d\n%s", res.Status, res.Body)
		}
		page := b.get("/admin/isp")
		mustNotContain(t, page.Body, warning, `id="name-changed"`)
		mustContain(t, page.Body, `value="732829320"`)
		if r, err := a.store.ISP(t.Context()); err != nil || r.SIREN != "732829320" {
			t.Fatalf("SIREN: %v %+v", err, r)
		}

		// Unchanged names: no warning.
		same := ispForm()
		same.Set("add_area", "1")
		mustNotContain(t, b.post("/admin/isp", same).Body, warning)

		for field, v := range map[string]string{"name": "Traboule Lyon", "short_name": "Trab"} {
			// Shown again (a row added, or an error): the warning is next to the names.
			f := ispForm()
			f.Set(field, v)
			f.Set("add_area", "1")
			res := b.post("/admin/isp", f)
			if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="name-changed"`) || !strings.Contains(res.Body, warning) {
				t.Fatalf("%s changed, form shown again: %d\n%s", field, res.Status, res.Body)
			}
			// In French too.
			b.lang = "fr"
			mustContain(t, b.post("/admin/isp", f).Body, "faites aussi ce changement sur db.ffdn.org")
			b.lang = "en"
			// Saved: the page after the save says it.
			f.Del("add_area")
			if res := b.post("/admin/isp", f); res.Status != http.StatusSeeOther {
				t.Fatalf("%s save: %d\n%s", field, res.Status, res.Body)
			}
			mustContain(t, b.get("/admin/isp").Body, "Saved. You changed the name or the short name", warning)
			// Back to the first names for the next case.
			if res := b.post("/admin/isp", ispForm()); res.Status != http.StatusSeeOther {
				t.Fatalf("restore: %d", res.Status)
			}
			b.get("/admin/isp")
		}
	})
}
