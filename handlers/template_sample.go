package handlers

import (
	"context"
	"strings"

	"coin/mail"
	"coin/model"
	"coin/store"
	"coin/views"
)

// templateSample is the data a template's callers give it, with the ISP's
// own identity and a fictitious member, for previews and the check before
// an override is saved. Each family of templates sees the identity its
// callers pass (.Site): e-mails the mail projection, portal texts the
// page's, the invoice footer the ISP record's.
func (h *Handler) templateSample(ctx context.Context, name string) map[string]any {
	m := &store.Member{ID: 42, Login: "camille", PersonType: model.NaturalPerson, FirstName: "Camille",
		LastName: "Dupont", Email: "camille@example.org", Language: "fr"}
	link := h.Cfg.AbsoluteURL("/")
	data := map[string]any{
		"Member": mail.MemberOf(m), "Link": link, "ValidDays": 7, "ValidHours": 24,
		"Invoice": map[string]any{"Number": "2026-000042", "Total": "15,00 €", "DueDate": "15/12/2026",
			"Link": h.Cfg.AbsoluteURL("/invoices/42")},
		"Payment": map[string]any{"Amount": "15,00 €", "Date": "01/12/2026", "Label": "VIR CAMILLE DUPONT"},
		"EndDate": "31/12/2026", "Expired": false, "EndsToday": false, "Offset": "-1m", "Amount": "15,00 €",
		"Reference": "ADH-42", "InfoURL": h.Cfg.AbsoluteURL("/membership"), "Number": "2026-000042",
		"Items": []map[string]string{{"Text": "1 sign-up waits for you", "Link": h.Cfg.AbsoluteURL("/admin/members?status=pending")}},
		"Count": 1, "Day": "03/12/2026",
		"Offer": "VPN", "StartDate": "01/01/2027", "Reason": "The VPN servers are full until March.",
	}
	id := h.ISP.Identity(ctx)
	data["IBAN"], data["BIC"] = id.IBANFormatted(), id.BIC
	switch {
	case strings.HasPrefix(name, "email/"):
		data["Site"] = mail.SiteOf(id, link)
	case strings.HasPrefix(name, "invoice/"):
		data["Site"] = id
	default:
		data["Site"] = views.EnvOf(ctx).Site
	}
	return data
}

// templateEditable tells whether the back office may write overrides.
func (h *Handler) templateEditable() bool { return h.Templates.Dir() != "" }
