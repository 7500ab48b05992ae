package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"coin/ispdb"
	"coin/store"
)

// The demo ISP: Traboule, a fictional associative ISP of Lyon. Every field
// of the record is filled in, so that /isp.json, the portal's footer and
// legal notice, e-mails and invoices show a complete identity.

// Areas: the Croix-Rousse plateau (Wi-Fi and fibre), Villeurbanne's
// Gratte-Ciel (Wi-Fi), and the two DSL exchanges' zones of the metropolis.
const (
	croixRousse = `{"type":"Polygon","coordinates":[[[4.8190,45.7790],[4.8265,45.7845],[4.8385,45.7842],[4.8430,45.7760],[4.8350,45.7705],[4.8215,45.7712],[4.8190,45.7790]]]}`
	grattéCiel  = `{"type":"Polygon","coordinates":[[[4.8745,45.7720],[4.8860,45.7720],[4.8860,45.7650],[4.8745,45.7650],[4.8745,45.7720]]]}`
	métropole   = `{"type":"MultiPolygon","coordinates":[[[[4.7700,45.7900],[4.8700,45.7900],[4.8700,45.7300],[4.7700,45.7300],[4.7700,45.7900]]],[[[4.8800,45.7800],[4.9500,45.7800],[4.9500,45.7400],[4.8800,45.7400],[4.8800,45.7800]]]]}`
)

// logoSVG is Traboule's logo: an arched passage between two buildings.
const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Traboule">
<rect width="64" height="64" rx="12" fill="#7a2e1f"/>
<path d="M12 54V22l20-12 20 12v32H40V36a8 8 0 0 0-16 0v18z" fill="#f4d9a6"/>
<path d="M28 54V38a4 4 0 0 1 8 0v16" fill="#2b5d7d"/>
</svg>
`

// ISPRecord is the complete demo record.
func ISPRecord() *store.ISP {
	lat, lon := 45.7745, 4.8320
	return &store.ISP{
		Name:            "Traboule",
		ShortName:       "Traboule",
		Description:     "Fournisseur d'accès à Internet associatif de Lyon et Villeurbanne : Wi-Fi de quartier, fibre, ADSL en marque blanche et VPN, géré par ses membres.",
		Website:         "https://traboule.example/",
		OtherWebsites:   []store.ISPWebsite{{Name: "wiki", URL: "https://wiki.traboule.example/"}, {Name: "pad", URL: "https://pad.traboule.example/"}, {Name: "statuts", URL: "https://traboule.example/statuts.pdf"}},
		Email:           "contact@traboule.example",
		MainMailingList: "discussions@listes.traboule.example",
		CreationDate:    "2012-05-12",
		FFDNMemberSince: "2013-02-16",
		ProgressStatus:  7,
		Latitude:        &lat,
		Longitude:       &lon,
		Chatrooms:       []string{"ircs://irc.traboule.example/#traboule", "xmpp:traboule@salons.traboule.example?join"},
		CoveredAreas: []store.CoveredArea{
			{Name: "Lyon 4e — Croix-Rousse", Technologies: []string{"wifi", "ftth"}, Area: json.RawMessage(croixRousse)},
			{Name: "Villeurbanne — Gratte-Ciel", Technologies: []string{"wifi"}, Area: json.RawMessage(grattéCiel)},
			{Name: "Métropole de Lyon (ADSL/VDSL)", Technologies: []string{"dsl"}, Area: json.RawMessage(métropole)},
		},
		Office: store.Office{StreetAddress: "12 rue d'Austerlitz", ExtendedAddress: "Local associatif, rez-de-chaussée",
			PostalCode: "69004", Locality: "Lyon", Region: "Auvergne-Rhône-Alpes", CountryName: "France"},
		Phone:      "+33 4 78 00 12 34",
		AdminEmail: "tresorerie@traboule.example",
		IBAN:       "FR7642559100000801234567812",
		BIC:        "CCOPFRPPXXX",
		BankName:   "Crédit Coopératif, agence de Lyon",
		LegalMentions: "Association loi 1901 déclarée en préfecture du Rhône — RNA W691012345 — SIRET 812 345 678 00015\n" +
			"TVA non applicable, article 293 B du CGI. Directeur de la publication : le bureau de l'association.",
	}
}

// loadISP saves the demo record and its logo.
func loadISP(ctx context.Context, tx *store.Store) error {
	if err := tx.SaveISP(ctx, ISPRecord()); err != nil {
		return fmt.Errorf("demo ISP record: %w", err)
	}
	logo, err := ispdb.ParseLogo([]byte(logoSVG))
	if err != nil {
		return fmt.Errorf("demo logo: %w", err)
	}
	return tx.SetISPLogo(ctx, logo)
}
