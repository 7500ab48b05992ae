// Package demo fills an empty database with a plausible small ISP: its
// complete ISP record (Traboule, in Lyon), about fifty members and one
// account per role, all with the password "demo".
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"coin/auth"
	"coin/date"
	"coin/model"
	"coin/store"
)

// Password of every demo account.
const Password = "demo"

// Banner is printed when the demo starts.
const Banner = `Demo accounts (password "demo"): admin, treasurer, support (staff) and member.`

var firstNames = []string{"Camille", "Léa", "Hugo", "Zoé", "Théo", "Chloé", "Noël", "Inès", "Raphaël",
	"Agnès", "François", "Gaëlle", "Jérôme", "Maëlys", "Benoît", "Cécile", "Loïc", "Hélène", "Anaïs",
	"Jürgen", "Małgorzata", "Søren", "Yasmine", "Mamadou", "Nathalie"}
var lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
	"Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Blanc", "Guérin"}
var cities = [][2]string{{"69001", "Lyon"}, {"69100", "Villeurbanne"}, {"38000", "Grenoble"},
	{"42000", "Saint-Étienne"}, {"01000", "Bourg-en-Bresse"}, {"73000", "Chambéry"}}
var streets = []string{"rue de la République", "avenue Jean Jaurès", "place Bellecour", "rue Garibaldi",
	"cours Émile Zola", "chemin des Étangs", "rue du Bœuf"}

// LoadIfEmpty loads the demo data when the database has no member yet.
func LoadIfEmpty(ctx context.Context, s *store.Store, loc *time.Location) (bool, error) {
	n, err := s.CountMembers(ctx, "")
	if err != nil || n > 0 {
		return false, err
	}
	return true, Load(ctx, s, loc)
}

// Load adds the demo members in one transaction.
func Load(ctx context.Context, s *store.Store, loc *time.Location) error {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	today := date.Today(loc)
	now := time.Now()
	rng := rand.New(rand.NewPCG(42, 2026))
	// Fees draw from their own source so the members stay the same.
	feeRng := rand.New(rand.NewPCG(7, 2026))
	return s.Tx(ctx, func(tx *store.Store) error {
		var members []*store.Member
		staff := []struct{ login, role, first, last string }{
			{"admin", model.RoleAdmin, "Alix", "Administratrice"},
			{"treasurer", model.RoleTreasurer, "Tristan", "Trésorier"},
			{"support", model.RoleSupport, "Sacha", "Support"},
			{"member", model.RoleMember, "Émilie", "Adhérente"},
		}
		// The demo "member" account's fee ends next month (a reminder is
		// due); the staff are up to date.
		staffFeeEnds := []date.Date{today.AddMonths(7), today.AddMonths(4), today.AddMonths(9), today.AddMonths(1)}
		for i, a := range staff {
			m := &store.Member{Login: a.login, PasswordHash: hash, Role: a.role, PersonType: model.NaturalPerson,
				FirstName: a.first, LastName: a.last, Email: a.login + "@demo.coin.example",
				EmailVerifiedAt: &now, Status: model.StatusMember, SendFeeReminders: true,
				Address: fmt.Sprintf("%d %s", 3+i, streets[i]), PostalCode: "69007", City: "Lyon",
				Country: "France", Phone: fmt.Sprintf("04 72 00 00 %02d", i), DateJoined: today.AddMonths(-30 + i)}
			if err := tx.CreateMember(ctx, m); err != nil {
				return fmt.Errorf("demo account %s: %w", a.login, err)
			}
			if err := addFees(ctx, tx, m, staffFeeEnds[i], 2, feeRng); err != nil {
				return err
			}
			members = append(members, m)
		}
		for i := 0; i < 46; i++ {
			m := randomMember(rng, i, today)
			if err := tx.CreateMember(ctx, m); err != nil {
				return fmt.Errorf("demo member %s: %w", m.Login, err)
			}
			members = append(members, m)
			if end, years := demoFeeEnd(feeRng, m, today); years > 0 {
				if err := addFees(ctx, tx, m, end, years, feeRng); err != nil {
					return err
				}
			}
		}
		if err := loadSubscriptions(ctx, tx, rng, today, hash, members[len(staff):]); err != nil {
			return err
		}
		if err := loadHardware(ctx, tx, members, today); err != nil {
			return err
		}
		if _, err := loadMaillists(ctx, tx, members); err != nil {
			return err
		}
		return loadISP(ctx, tx)
	})
}

var demoOffers = []store.Offer{
	{Name: "VPN mensuel", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true,
		Description: "Un tunnel chiffré avec une IPv4 fixe et un préfixe IPv6 /56."},
	{Name: "VPN annuel", Reference: "VPN-AN", Backend: "vpn", BillingPeriodMonths: 12, PeriodFeeCents: 5000, Open: true},
	{Name: "ADSL / VDSL", Reference: "DSL", Backend: "dsl", BillingPeriodMonths: 1, PeriodFeeCents: 3000, SetupFeeCents: 5000, Open: true},
	{Name: "DSL marque blanche", Reference: "DSL-MB", Backend: "simple_dsl", BillingPeriodMonths: 1, PeriodFeeCents: 2500, Open: true},
	{Name: "Serveur virtuel (VPS)", Reference: "VPS", Backend: "vps", BillingPeriodMonths: 1, PeriodFeeCents: 800, Open: true},
	{Name: "Hébergement 1U", Reference: "HEB-1U", Backend: "housing", BillingPeriodMonths: 12, PeriodFeeCents: 12000, SetupFeeCents: 3000, Open: true},
	{Name: "VPN solidaire (gratuit)", Reference: "VPN-SOL", Backend: "vpn", BillingPeriodMonths: 1, NonBillable: true, Open: true},
	{Name: "ADSL (ancienne offre)", Reference: "DSL-2019", Backend: "dsl", BillingPeriodMonths: 1, PeriodFeeCents: 2800, Open: false},
}

// loadSubscriptions adds the offers and about forty subscriptions; the demo
// account "member" has a VPN and a VPS.
func loadSubscriptions(ctx context.Context, tx *store.Store, rng *rand.Rand, today date.Date, hash string, members []*store.Member) error {
	offers := make([]*store.Offer, len(demoOffers))
	for i := range demoOffers {
		o := demoOffers[i]
		if err := tx.CreateOffer(ctx, &o); err != nil {
			return fmt.Errorf("demo offer %s: %w", o.Reference, err)
		}
		offers[i] = &o
	}
	me, err := tx.MemberByLogin(ctx, "member")
	if err != nil {
		return err
	}
	n := 0
	add := func(m *store.Member, o *store.Offer, start date.Date, resign date.Date) error {
		n++
		sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: start, ResignDate: resign,
			CommitmentMonths: []int{0, 0, 12}[n%3]}
		if err := tx.CreateSubscription(ctx, sub); err != nil {
			return err
		}
		c := &store.Configuration{SubscriptionID: sub.ID, Backend: o.Backend, Data: demoConfig(o.Backend, m, n)}
		c.Login = c.Data["login"]
		if o.Backend == "vpn" || o.Backend == "dsl" {
			c.SecretHash = hash
		}
		return tx.SaveConfiguration(ctx, c)
	}
	if err := add(me, offers[0], today.AddMonths(-14).FirstOfMonth(), date.Date{}); err != nil {
		return err
	}
	if err := add(me, offers[4], today.AddMonths(-3).AddDays(9), date.Date{}); err != nil {
		return err
	}
	weights := []int{0, 0, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 7}
	for i, m := range members {
		if m.Status == model.StatusPending || i%5 == 4 {
			continue
		}
		o := offers[weights[rng.IntN(len(weights))]]
		start := m.DateJoined.AddDays(rng.IntN(60))
		if start.After(today) {
			start = today
		}
		var resign date.Date
		if m.Status == model.StatusNotMember {
			resign = m.ResignDate
			if resign.Before(start) {
				resign = start.AddMonths(1)
			}
		}
		if err := add(m, o, start, resign); err != nil {
			return fmt.Errorf("demo subscription of %s: %w", m.Login, err)
		}
	}
	return nil
}

// demoConfig invents a configuration in documentation address ranges.
func demoConfig(backend string, m *store.Member, n int) map[string]string {
	switch backend {
	case "vpn":
		return map[string]string{"login": fmt.Sprintf("vpn-%s", m.Login),
			"ipv4_endpoint": fmt.Sprintf("198.51.100.%d/32", n), "ipv6_endpoint": fmt.Sprintf("2001:db8:%x::/56", n*256)}
	case "dsl":
		return map[string]string{"login": fmt.Sprintf("dsl-%s@demo", m.Login), "line_number": fmt.Sprintf("04 78 %02d %02d %02d", n%100, (n*7)%100, (n*13)%100)}
	case "simple_dsl":
		return map[string]string{"line_number": fmt.Sprintf("04 72 %02d %02d %02d", n%100, (n*3)%100, (n*11)%100)}
	case "vps":
		return map[string]string{"hostname": fmt.Sprintf("vps%d.demo.coin.example", n), "os": "debian",
			"ipv4_endpoint": fmt.Sprintf("203.0.113.%d/32", n)}
	default:
		return map[string]string{"location": fmt.Sprintf("Baie 2, U%d", 10+n%30), "power": "0,5 A"}
	}
}

// demoFeeEnd picks where a demo member stands: pending sign-ups never
// paid, former members and about a fifth of the others let their fee
// expire, a few members never paid, the rest are up to date with fees
// ending over the coming year. It returns the end of the latest fee and
// how many yearly fees lead to it (0: none).
func demoFeeEnd(rng *rand.Rand, m *store.Member, today date.Date) (date.Date, int) {
	switch {
	case m.Status == model.StatusPending:
		return date.Date{}, 0
	case m.Status == model.StatusNotMember:
		return today.AddDays(-30 - rng.IntN(400)), 1 + rng.IntN(2)
	}
	switch r := rng.IntN(10); {
	case r == 0:
		return date.Date{}, 0
	case r <= 2:
		return today.AddDays(-1 - rng.IntN(300)), 1 + rng.IntN(3)
	default:
		return today.AddDays(rng.IntN(365)), 1 + rng.IntN(3)
	}
}

var demoMethods = []string{model.PayTransfer, model.PayTransfer, model.PayTransfer, model.PayCheck, model.PayCash}

// addFees records years consecutive yearly fees ending on end.
func addFees(ctx context.Context, tx *store.Store, m *store.Member, end date.Date, years int, rng *rand.Rand) error {
	amount := int64(1500)
	if m.PersonType == model.LegalPerson {
		amount = 3000
	}
	for y := years - 1; y >= 0; y-- {
		feeEnd := end.AddYears(-y)
		start := feeEnd.AddYears(-1).AddDays(1)
		method := demoMethods[rng.IntN(len(demoMethods))]
		ref := ""
		switch method {
		case model.PayTransfer:
			ref = fmt.Sprintf("VIR ADH-%d", m.ID)
		case model.PayCheck:
			ref = fmt.Sprintf("CHQ %07d", rng.IntN(10_000_000))
		}
		f := &store.MembershipFee{MemberID: m.ID, Amount: amount, StartDate: start, EndDate: feeEnd,
			PaymentMethod: method, Reference: ref, PaymentDate: start.AddDays(-rng.IntN(20))}
		if err := tx.CreateMembershipFee(ctx, f); err != nil {
			return fmt.Errorf("demo fee of %s: %w", m.Login, err)
		}
		// Every fee written goes to the accounting log, demo ones too.
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "membership_fee.created", MemberID: &f.MemberID,
			AmountCents: f.Amount, Actor: "demo", Details: strings.TrimSpace(start.String() + " " + feeEnd.String() + " " + ref)}); err != nil {
			return fmt.Errorf("demo fee of %s: %w", m.Login, err)
		}
	}
	return nil
}

func randomMember(rng *rand.Rand, i int, today date.Date) *store.Member {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	city := cities[rng.IntN(len(cities))]
	m := &store.Member{
		Login:      fmt.Sprintf("%s%d", asciiLower(first), i+1),
		Role:       model.RoleMember,
		PersonType: model.NaturalPerson,
		FirstName:  first,
		LastName:   last,
		Email:      fmt.Sprintf("%s.%s%d@example.org", asciiLower(first), asciiLower(last), i+1),
		Phone:      fmt.Sprintf("06 %02d %02d %02d %02d", rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100)),
		Address:    fmt.Sprintf("%d %s", 1+rng.IntN(120), streets[rng.IntN(len(streets))]),
		PostalCode: city[0], City: city[1], Country: "France",
		Status:           model.StatusMember,
		Language:         []string{"", "fr", "fr", "en"}[rng.IntN(4)],
		SendFeeReminders: rng.IntN(10) > 0,
		DateJoined:       today.AddDays(-rng.IntN(6 * 365)),
	}
	switch {
	case i%9 == 4:
		m.PersonType, m.OrganizationName = model.LegalPerson, fmt.Sprintf("Association %s %s", []string{"des Pentes", "Quartier Libre", "Les Canuts", "Réseau Local"}[i%4], city[1])
	case i%11 == 3:
		m.Status = model.StatusPending
		m.DateJoined = today.AddDays(-rng.IntN(20))
	case i%13 == 5:
		m.Status = model.StatusNotMember
		m.ResignDate = today.AddDays(-rng.IntN(300))
		if m.ResignDate.Before(m.DateJoined) {
			m.ResignDate = m.DateJoined.AddDays(30)
		}
	}
	if i%7 == 2 {
		m.Nickname = strings.ToLower(last[:3]) + "x"
	}
	return m
}

// asciiLower makes a login-safe ASCII version of a name.
func asciiLower(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ê", "e", "à", "a", "â", "a", "ä", "a",
		"ï", "i", "î", "i", "ô", "o", "ö", "o", "ü", "u", "û", "u", "ç", "c", "ł", "l", "ø", "o",
		"Ł", "l", "É", "e", "Ø", "o", "œ", "oe")
	out := strings.ToLower(r.Replace(s))
	var b strings.Builder
	for _, c := range out {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
