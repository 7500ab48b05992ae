// Package demo fills an empty database with a plausible small ISP: about
// fifty members and one account per role, all with the password "demo".
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"coin/auth"
	"coin/date"
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
	return s.Tx(ctx, func(tx *store.Store) error {
		var members []*store.Member
		staff := []struct{ login, role, first, last string }{
			{"admin", store.RoleAdmin, "Alix", "Administratrice"},
			{"treasurer", store.RoleTreasurer, "Tristan", "Trésorier"},
			{"support", store.RoleSupport, "Sacha", "Support"},
			{"member", store.RoleMember, "Émilie", "Adhérente"},
		}
		for i, a := range staff {
			m := &store.Member{Login: a.login, PasswordHash: hash, Role: a.role, PersonType: store.NaturalPerson,
				FirstName: a.first, LastName: a.last, Email: a.login + "@demo.coin.example",
				EmailVerifiedAt: &now, Status: store.StatusMember, SendFeeReminders: true,
				Address: fmt.Sprintf("%d %s", 3+i, streets[i]), PostalCode: "69007", City: "Lyon",
				Country: "France", Phone: fmt.Sprintf("04 72 00 00 %02d", i), DateJoined: today.AddMonths(-30 + i)}
			if err := tx.CreateMember(ctx, m); err != nil {
				return fmt.Errorf("demo account %s: %w", a.login, err)
			}
			members = append(members, m)
		}
		for i := 0; i < 46; i++ {
			m := randomMember(rng, i, today)
			if err := tx.CreateMember(ctx, m); err != nil {
				return fmt.Errorf("demo member %s: %w", m.Login, err)
			}
			members = append(members, m)
		}
		if err := loadHardware(ctx, tx, members, today); err != nil {
			return err
		}
		return loadMaillists(ctx, tx, members)
	})
}

func randomMember(rng *rand.Rand, i int, today date.Date) *store.Member {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	city := cities[rng.IntN(len(cities))]
	m := &store.Member{
		Login:      fmt.Sprintf("%s%d", asciiLower(first), i+1),
		Role:       store.RoleMember,
		PersonType: store.NaturalPerson,
		FirstName:  first,
		LastName:   last,
		Email:      fmt.Sprintf("%s.%s%d@example.org", asciiLower(first), asciiLower(last), i+1),
		Phone:      fmt.Sprintf("06 %02d %02d %02d %02d", rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100)),
		Address:    fmt.Sprintf("%d %s", 1+rng.IntN(120), streets[rng.IntN(len(streets))]),
		PostalCode: city[0], City: city[1], Country: "France",
		Status:           store.StatusMember,
		Language:         []string{"", "fr", "fr", "en"}[rng.IntN(4)],
		SendFeeReminders: rng.IntN(10) > 0,
		DateJoined:       today.AddDays(-rng.IntN(6 * 365)),
	}
	switch {
	case i%9 == 4:
		m.PersonType, m.OrganizationName = store.LegalPerson, fmt.Sprintf("Association %s %s", []string{"des Pentes", "Quartier Libre", "Les Canuts", "Réseau Local"}[i%4], city[1])
	case i%11 == 3:
		m.Status = store.StatusPending
		m.DateJoined = today.AddDays(-rng.IntN(20))
	case i%13 == 5:
		m.Status = store.StatusNotMember
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
