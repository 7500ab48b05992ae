package handlers

import (
	"coin/iban"
	"io"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/form"
	"coin/ispdb"
	"coin/store"
	"coin/views"
)

// maxRows bounds the repeated rows read from one form.
const maxRows = 200

// ispFormPage renders the ISP record page; current is the stored record
// (nil when none), for the logo and the /isp.json link.
func (h *Handler) ispFormPage(c *fiber.Ctx, status int, f ispdb.Form, errs form.Errors, current *store.ISP) error {
	d := views.ISPData{Form: f.WithBlankRows(), Errs: errs, JSONURL: h.Cfg.AbsoluteURL("/isp.json"),
		Ready: current != nil && current.Name != "" && current.Email != "", NameChanged: nameChanged(current, f)}
	if h.Cfg.SEPA.Enabled() {
		d.CreditorIBAN = iban.Format(h.Cfg.SEPA.CreditorIBAN)
	}
	if current != nil && current.LogoHash != "" {
		d.LogoURL = h.Cfg.URL("/isp/logo/" + current.LogoHash)
	}
	return h.page(c, status, h.tr(c, "ispdb.title"), views.ISPPage(d))
}

func (h *Handler) ispPage(c *fiber.Ctx) error {
	r, err := h.ISP.Record(c.UserContext())
	if err != nil {
		return err
	}
	return h.ispFormPage(c, fiber.StatusOK, ispdb.FromRecord(r), nil, r)
}

// ispSave saves the record, or shows the form again: with its errors, or
// with one more empty row when a "add" button was used.
func (h *Handler) ispSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	current, err := h.ISP.Record(ctx)
	if err != nil {
		return err
	}
	f, err := ispFormFromRequest(c)
	if err != nil {
		return err
	}
	if add, addArea := c.FormValue("add_website") != "", c.FormValue("add_area") != ""; add || addArea {
		f.Compact()
		if add {
			f.Websites = append(f.Websites, ispdb.WebsiteRow{})
		}
		if addArea {
			f.Areas = append(f.Areas, ispdb.AreaRow{})
		}
		return h.ispFormPage(c, fiber.StatusOK, f, nil, current)
	}
	r := &store.ISP{}
	if current != nil {
		*r = *current
	}
	if errs := f.Validate(r, h.ISP.Schema()); errs.Any() {
		return h.ispFormPage(c, fiber.StatusUnprocessableEntity, f, errs, current)
	}
	if err := h.ISP.Save(ctx, r); err != nil {
		return err
	}
	h.Log.Info("isp record saved", "by", user(c).ID)
	if nameChanged(current, f) {
		h.flash(c, "ispdb.saved_name_changed", true)
		return h.reload(c, "/admin/isp")
	}
	h.flash(c, "ispdb.saved", false)
	return h.reload(c, "/admin/isp")
}

// requestForm reads fields of a urlencoded or multipart form.
type requestForm struct {
	c  *fiber.Ctx
	mf *multipart.Form // nil for urlencoded forms
}

func newRequestForm(c *fiber.Ctx) requestForm {
	mf, err := c.MultipartForm()
	if err != nil {
		mf = nil
	}
	return requestForm{c: c, mf: mf}
}

func (r requestForm) get(name string) string { return r.c.FormValue(name) }

func (r requestForm) all(name string) []string {
	if r.mf != nil {
		return r.mf.Value[name]
	}
	var out []string
	for _, v := range r.c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

func (r requestForm) count(name string) int {
	n, _ := strconv.Atoi(r.get(name))
	return max(0, min(n, maxRows))
}

// file reads an uploaded file of at most limit bytes; too reports a
// larger one.
func (r requestForm) file(name string, limit int64) (body []byte, tooLarge bool, err error) {
	if r.mf == nil || len(r.mf.File[name]) == 0 || r.mf.File[name][0].Size == 0 {
		return nil, false, nil
	}
	fh := r.mf.File[name][0]
	if fh.Size > limit {
		return nil, true, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	body, err = io.ReadAll(io.LimitReader(f, limit+1))
	return body, int64(len(body)) > limit, err
}

func ispFormFromRequest(c *fiber.Ctx) (ispdb.Form, error) {
	v := newRequestForm(c)
	f := ispdb.Form{Name: v.get("name"), ShortName: v.get("short_name"), Description: v.get("description"),
		LogoURL: v.get("logo_url"), Website: v.get("website"), Email: v.get("email"),
		MainMailingList: v.get("main_mailing_list"), CreationDate: v.get("creation_date"),
		FFDNMemberSince: v.get("ffdn_member_since"), ProgressStatus: v.get("progress_status"),
		Latitude: v.get("latitude"), Longitude: v.get("longitude"), Chatrooms: v.get("chatrooms"),
		Office: store.Office{StreetAddress: v.get("office_street_address"),
			ExtendedAddress: v.get("office_extended_address"), PostOfficeBox: v.get("office_post_office_box"),
			PostalCode: v.get("office_postal_code"), Locality: v.get("office_locality"),
			Region: v.get("office_region"), CountryName: v.get("office_country_name")},
		PostalAddress: v.get("postal_address"), Phone: v.get("phone"), AdminEmail: v.get("admin_email"),
		IBAN: v.get("iban"), BIC: v.get("bic"), BankName: v.get("bank_name"), LegalMentions: v.get("legal_mentions"),
		StatutesURL: v.get("statutes_url"), PrivacyURL: v.get("privacy_url"),
		SIREN: v.get("siren")}
	for i := 0; i < v.count("website_count"); i++ {
		f.Websites = append(f.Websites, ispdb.WebsiteRow{Name: v.get(ispdb.WebsiteNameField(i)),
			URL: v.get(ispdb.WebsiteURLField(i)), Remove: v.get("website_remove_"+strconv.Itoa(i)) != ""})
	}
	for i := 0; i < v.count("area_count"); i++ {
		a := ispdb.AreaRow{Name: v.get(ispdb.AreaNameField(i)), Technologies: v.all(ispdb.AreaTechField(i)),
			GeoJSON: v.get(ispdb.AreaGeoJSONField(i)), Remove: v.get("area_remove_"+strconv.Itoa(i)) != ""}
		var err error
		a.Upload, a.UploadTooLarge, err = v.file("area_file_"+strconv.Itoa(i), 4*ispdb.MaxAreaSize)
		if err != nil {
			return f, err
		}
		f.Areas = append(f.Areas, a)
	}
	return f, nil
}

// reload sends the browser to path with a whole page load, also under
// htmx: the identity just changed shows in the header and footer too.
func (h *Handler) reload(c *fiber.Ctx, path string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", h.Cfg.URL(path))
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(h.Cfg.URL(path), fiber.StatusSeeOther)
}

// nameChanged tells whether the form renames a record already saved:
// db.ffdn.org refuses an update of an entry whose name or short name
// changed, so the admin is told to make the change there too.
func nameChanged(current *store.ISP, f ispdb.Form) bool {
	if current == nil || current.Name == "" {
		return false
	}
	return strings.TrimSpace(f.Name) != current.Name || strings.TrimSpace(f.ShortName) != current.ShortName
}
