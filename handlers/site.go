package handlers

import (
	"context"
	"strings"

	"coin/overrides"
	"coin/views"
)

// site is the ISP's identity as pages show it: the ISP record, and the
// overrides folder's custom.css and logo. The logo is the one uploaded in
// the back office, else the folder's, else the record's (https) logo URL,
// else the built-in one.
func (h *Handler) site(ctx context.Context) views.Site {
	id := h.ISP.Identity(ctx)
	s := views.Site{Name: id.Name, ShortName: id.ShortName, AddressLines: id.AddressLines,
		LegalMentions: id.LegalMentions, Email: id.Email, Phone: id.Phone, Website: id.Website,
		IBAN: id.IBANFormatted(), BIC: id.BIC, BankName: id.BankName,
		StatutesURL: id.StatutesURL, PrivacyURL: id.PrivacyURL}
	if id.LogoHash != "" {
		s.LogoURL = h.Cfg.URL("/isp/logo/" + id.LogoHash)
	} else if p := h.Templates.LogoPath(); p != "" {
		s.LogoURL = h.Cfg.URL("/custom/" + p)
	} else if strings.HasPrefix(id.LogoURL, "https://") {
		// The CSP lets pages show images from https only.
		s.LogoURL = id.LogoURL
	}
	if p := h.Templates.AssetPath(overrides.CustomCSS); p != "" {
		s.CustomCSS = h.Cfg.URL("/custom/" + p)
	}
	return s
}
