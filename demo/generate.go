package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"coin/auth"
	"coin/backend"
	"coin/bank"
	"coin/billing"
	"coin/config"
	"coin/date"
	"coin/ipam"
	"coin/model"
	"coin/money"
	"coin/provision"
	"coin/store"
	"coin/subscription"
)

// Services are what the generator writes through: the same services the
// commands use.
type Services struct {
	Store   *store.Store
	Cfg     *config.Config
	Billing *billing.Service
	IPAM    *ipam.Allocator
	Bank    *bank.Service
	Log     *slog.Logger
}

// Options size a generated history.
type Options struct {
	Members int       // members besides the four demo accounts
	Months  int       // months of invoices, the last one being Today's
	Seed    uint64    // same seed, same data
	Today   date.Date // the last day of the history
	// Progress, when set, gets one line per step and per month.
	Progress io.Writer
	// Charging, when set, gives the progress callback of each month's
	// charge run (months from 1), e.g. a progress bar on a terminal.
	Charging func(month int) func(done, total int)
}

// Stats count what Generate wrote.
type Stats struct {
	Members, Fees, Subscriptions, Allocations int
	Invoices, Payments, BankLines, Mandates   int
	Loans, ListSubscriptions                  int
}

// genFirstNames add a few names to the demo's (a copy: Load keeps its own
// draws).
var genFirstNames = append(append([]string{}, firstNames...), "Émilie", "Éloïse", "Jérémie", "Océane",
	"Clément", "Mélanie", "Aurélien", "Bérénice", "Solène", "Gaël", "Anaëlle", "Timothée")

var genLastNames = append(append([]string{}, lastNames...), "Lefèbvre", "Chevalier", "Bonnet", "Lemaître",
	"Faure", "Rousseau", "Müller", "Nguyen", "Perrin", "Gauthier", "Brunet", "Aubé")

var orgKinds = []string{"Association", "SCOP", "Café associatif", "Compagnie", "Atelier", "Collectif"}
var orgNames = []string{"des Pentes", "Quartier Libre", "Les Canuts", "Réseau Local", "La Ficelle", "L'Échappée",
	"Les Pâquerettes", "Trait d'Union", "Le Bœuf sur le toit", "Hélios", "Les Mûriers"}

// genMember is a generated member with what the history needs of it.
type genMember struct {
	m        *store.Member
	late     bool   // never pays
	method   string // how it pays its invoices
	mandate  bool
	resigned date.Date
}

// Generate builds a history of o.Months months for o.Members members, in
// the database of sv (empty, migrated): the demo's ISP record, offers and
// accounts, then members natural and legal with their fees, subscriptions
// with configurations and addresses from the IP pools, a charge run at the
// start of every month (billing.Service.Charge, the real one), payments
// (by bank statement through the bank import, by cheque, cash and direct
// debit through billing) of all invoices but about one in twenty, SEPA
// mandates, hardware loans and list subscriptions. It is deterministic:
// the same options give the same data.
func Generate(ctx context.Context, sv Services, o Options) (Stats, error) {
	var st Stats
	if o.Members <= 0 || o.Months <= 0 {
		return st, fmt.Errorf("demo history: members and months must be positive")
	}
	if o.Today.IsZero() {
		o.Today = date.Today(sv.Cfg.Location())
	}
	p := o.Progress
	if p == nil {
		p = io.Discard
	}
	begin := time.Now()
	say := func(format string, args ...any) {
		fmt.Fprintf(p, "[%5.1fs] "+format+"\n", append([]any{time.Since(begin).Seconds()}, args...)...)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x636f696e))
	first := o.Today.FirstOfMonth().AddMonths(-(o.Months - 1))
	g := &generator{sv: sv, o: o, rng: rng, first: first, st: &st, say: say}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"offers, pools and demo accounts", g.base},
		{"members and fees", g.createMembers},
		{"subscriptions and addresses", g.subscriptions},
		{"mandates, hardware and lists", g.extras},
		{"invoices and payments", g.history},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return st, fmt.Errorf("demo history, %s: %w", s.name, err)
		}
	}
	say("done: %d members, %d subscriptions, %d invoices, %d payments (%d from bank statements)",
		st.Members, st.Subscriptions, st.Invoices, st.Payments, st.BankLines)
	return st, nil
}

type generator struct {
	sv      Services
	o       Options
	rng     *rand.Rand
	first   date.Date // first day of the first charged month
	st      *Stats
	say     func(string, ...any)
	hash    string
	offers  []*store.Offer
	members []*genMember // staff first
	byID    map[int64]*genMember
}

// batch runs fn for the items [0, n) in transactions of size items.
func (g *generator) batch(ctx context.Context, n, size int, fn func(tx *store.Store, i int) error) error {
	for start := 0; start < n; start += size {
		err := g.sv.Store.Tx(ctx, func(tx *store.Store) error {
			for i := start; i < min(start+size, n); i++ {
				if err := fn(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// genPools are wider than the demo's: thousands of tunnels need them.
var genPools = []struct {
	name, cidr, length, reserved, description, backend string
}{
	{"VPN IPv4", "100.64.0.0/16", "32", "100.64.0.0\n100.64.255.254-100.64.255.255",
		"Adresses des tunnels VPN ; la dernière sert de passerelle.", "vpn"},
	{"VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56", "Un /56 par tunnel ; le premier sert à l’infrastructure.", "vpn"},
	{"VPS IPv4", "100.65.0.0/18", "32", "100.65.0.0\n100.65.63.255", "Adresses des serveurs virtuels.", "vps"},
}

func (g *generator) base(ctx context.Context) error {
	var err error
	if g.hash, err = auth.HashPassword(Password); err != nil {
		return err
	}
	s := g.sv.Store
	err = s.Tx(ctx, func(tx *store.Store) error {
		for i := range demoOffers {
			o := demoOffers[i]
			if err := tx.CreateOffer(ctx, &o); err != nil {
				return fmt.Errorf("offer %s: %w", o.Reference, err)
			}
			g.offers = append(g.offers, &o)
		}
		return loadISP(ctx, tx)
	})
	if err != nil {
		return err
	}
	for _, d := range genPools {
		p := &store.IPPool{}
		errs, err := g.sv.IPAM.SavePool(ctx, p, ipam.PoolForm{Name: d.name, CIDR: d.cidr, SubnetLength: d.length,
			Reserved: d.reserved, Description: d.description})
		if err != nil {
			return err
		}
		if errs.Any() {
			return fmt.Errorf("pool %s: %v", d.name, errs)
		}
		for _, o := range g.offers {
			if o.Backend == d.backend {
				if err := s.LinkIPPoolOffer(ctx, p.ID, o.ID, 1); err != nil {
					return err
				}
			}
		}
	}
	g.byID = map[int64]*genMember{}
	now := time.Now()
	staff := []struct{ login, role, first, last string }{
		{"admin", model.RoleAdmin, "Alix", "Administratrice"},
		{"treasurer", model.RoleTreasurer, "Tristan", "Trésorier"},
		{"support", model.RoleSupport, "Sacha", "Support"},
		{"member", model.RoleMember, "Émilie", "Adhérente"},
	}
	return s.Tx(ctx, func(tx *store.Store) error {
		for i, a := range staff {
			m := &store.Member{Login: a.login, PasswordHash: g.hash, Role: a.role, PersonType: model.NaturalPerson,
				FirstName: a.first, LastName: a.last, Email: a.login + "@demo.coin.example",
				EmailVerifiedAt: &now, Status: model.StatusMember, SendFeeReminders: true,
				Address: fmt.Sprintf("%d %s", 3+i, streets[i]), PostalCode: "69007", City: "Lyon",
				Country: "France", Phone: fmt.Sprintf("04 72 00 00 %02d", i), DateJoined: g.first.AddMonths(-30 + i)}
			if err := tx.CreateMember(ctx, m); err != nil {
				return fmt.Errorf("demo account %s: %w", a.login, err)
			}
			if err := g.addFees(ctx, tx, m, date.Date{}); err != nil {
				return err
			}
			gm := &genMember{m: m, method: model.PayTransfer}
			g.members = append(g.members, gm)
			g.byID[m.ID] = gm
		}
		return nil
	})
}

// fees records the yearly fees of m from the year it joined, the latest
// covering until (or today when zero); only those ending in the year
// before the history or later are written.
func (g *generator) addFees(ctx context.Context, tx *store.Store, m *store.Member, until date.Date) error {
	if until.IsZero() {
		until = g.o.Today
	}
	end := m.DateJoined.AddYears(1).AddDays(-1)
	years := 1
	for end.Before(until) {
		end = end.AddYears(1)
		years++
	}
	oldest := g.first.AddYears(-1)
	for years > 1 && end.AddYears(-(years - 1)).Before(oldest) {
		years--
	}
	g.st.Fees += years
	return addFees(ctx, tx, m, end, years, g.rng)
}

func (g *generator) createMembers(ctx context.Context) error {
	n := g.o.Members
	rng := g.rng
	histDays := g.first.DaysUntil(g.o.Today) + 1
	gen := make([]*genMember, n)
	for i := range gen {
		fn := genFirstNames[rng.IntN(len(genFirstNames))]
		ln := genLastNames[rng.IntN(len(genLastNames))]
		city := cities[rng.IntN(len(cities))]
		m := &store.Member{
			Login:      fmt.Sprintf("%s.%s%d", asciiLower(fn), asciiLower(ln), i+1),
			Role:       model.RoleMember,
			PersonType: model.NaturalPerson,
			FirstName:  fn,
			LastName:   ln,
			Email:      fmt.Sprintf("%s.%s%d@example.org", asciiLower(fn), asciiLower(ln), i+1),
			Phone:      fmt.Sprintf("06 %02d %02d %02d %02d", rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100)),
			Address:    fmt.Sprintf("%d %s", 1+rng.IntN(120), streets[rng.IntN(len(streets))]),
			PostalCode: city[0], City: city[1], Country: "France",
			Status:           model.StatusMember,
			Language:         []string{"", "fr", "fr", "fr", "en"}[rng.IntN(5)],
			SendFeeReminders: rng.IntN(10) > 0,
		}
		// Seven in eight joined before the history, the others during it.
		if rng.IntN(8) > 0 {
			m.DateJoined = g.first.AddDays(-1 - rng.IntN(6*365))
		} else {
			m.DateJoined = g.first.AddDays(rng.IntN(histDays))
		}
		gm := &genMember{m: m, method: model.PayTransfer}
		switch r := rng.IntN(100); {
		case r < 10:
			gm.method = "cheque"
		case r < 13:
			gm.method = model.PayCash
		}
		gm.late = rng.IntN(100) < 4
		switch r := rng.IntN(100); {
		case r < 10:
			m.PersonType = model.LegalPerson
			m.OrganizationName = orgKinds[rng.IntN(len(orgKinds))] + " " + orgNames[rng.IntN(len(orgNames))] + " " + city[1]
			m.Login = fmt.Sprintf("orga%d", i+1)
		case r < 12 && m.DateJoined.After(g.o.Today.AddDays(-40)):
			m.Status = model.StatusPending
		case r < 17:
			m.Status = model.StatusNotMember
			m.ResignDate = m.DateJoined.AddDays(60 + rng.IntN(3*365))
			if !m.ResignDate.Before(g.o.Today) || m.ResignDate.Before(g.first) {
				m.ResignDate = g.first.AddDays(rng.IntN(histDays))
			}
			if !m.ResignDate.After(m.DateJoined) {
				m.ResignDate = m.DateJoined.AddDays(30)
			}
			if m.ResignDate.After(g.o.Today) {
				m.Status, m.ResignDate = model.StatusMember, date.Date{}
			}
			gm.resigned = m.ResignDate
		}
		if i%7 == 2 {
			m.Nickname = strings.ToLower(asciiLower(ln)[:3]) + "x"
		}
		// One member in twelve pays by direct debit.
		gm.mandate = m.Status == model.StatusMember && rng.IntN(12) == 0
		if gm.mandate {
			gm.method = "direct_debit"
		}
		gen[i] = gm
	}
	err := g.batch(ctx, n, 1000, func(tx *store.Store, i int) error {
		gm := gen[i]
		if err := tx.CreateMember(ctx, gm.m); err != nil {
			return fmt.Errorf("member %s: %w", gm.m.Login, err)
		}
		switch {
		case gm.m.Status == model.StatusPending:
		case gm.m.Status == model.StatusNotMember:
			if err := g.addFees(ctx, tx, gm.m, gm.m.ResignDate); err != nil {
				return err
			}
		case i%10 == 3: // lapsed: the fee ended some months ago
			if err := g.addFees(ctx, tx, gm.m, g.o.Today.AddDays(-30-(i%300))); err != nil {
				return err
			}
		default:
			if err := g.addFees(ctx, tx, gm.m, date.Date{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, gm := range gen {
		g.members = append(g.members, gm)
		g.byID[gm.m.ID] = gm
	}
	g.st.Members = len(g.members)
	g.say("%d members, %d membership fees", g.st.Members, g.st.Fees)
	return nil
}

// genSub is a subscription to create.
type genSub struct {
	gm            *genMember
	offer         *store.Offer
	start, resign date.Date
	second        bool
}

func (g *generator) subscriptions(ctx context.Context) error {
	rng := g.rng
	// Offers by weight: the monthly VPN first, the closed DSL offer never.
	weights := []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 4, 5, 6}
	var subs []genSub
	for _, gm := range g.members {
		m := gm.m
		if m.Status == model.StatusPending || (m.Role == model.RoleMember && m.Login != "member" && rng.IntN(25) == 0) {
			continue
		}
		start := m.DateJoined.AddDays(rng.IntN(30))
		if start.After(g.o.Today) {
			start = g.o.Today
		}
		s := genSub{gm: gm, offer: g.offers[weights[rng.IntN(len(weights))]], start: start, resign: gm.resigned}
		if m.Role != model.RoleMember || m.Login == "member" {
			s.offer = g.offers[0]
		}
		if s.resign.IsZero() && rng.IntN(25) == 0 {
			// Ended during the history (moved away, changed offer).
			s.resign = g.first.AddDays(rng.IntN(g.first.DaysUntil(g.o.Today) + 1))
		}
		if !s.resign.IsZero() && !s.resign.After(s.start) {
			s.resign = s.start.AddMonths(1)
		}
		subs = append(subs, s)
		if rng.IntN(4) == 0 && s.resign.IsZero() {
			later := s.start.AddDays(rng.IntN(s.start.DaysUntil(g.o.Today) + 1))
			subs = append(subs, genSub{gm: gm, offer: g.offers[[]int{0, 4, 4, 5, 6}[rng.IntN(5)]], start: later, second: true})
		}
	}
	backends := backend.NewRegistry()
	refOf := subscription.ReferenceFunc(g.sv.Cfg.Services.SubscriptionReference)
	err := g.batch(ctx, len(subs), 500, func(tx *store.Store, i int) error {
		s := subs[i]
		m := s.gm.m
		sub := &store.Subscription{MemberID: m.ID, OfferID: s.offer.ID, StartDate: s.start, ResignDate: s.resign,
			CommitmentMonths: []int{0, 0, 12}[i%3]}
		if err := tx.CreateSubscription(ctx, sub); err != nil {
			return fmt.Errorf("subscription of %s: %w", m.Login, err)
		}
		data := demoConfig(s.offer.Backend, m, i+1)
		delete(data, "ipv4_endpoint")
		delete(data, "ipv6_endpoint")
		if s.second && data["login"] != "" {
			data["login"] = strings.Replace(data["login"], "-", fmt.Sprintf("%d-", i+1), 1)
		}
		c := &store.Configuration{SubscriptionID: sub.ID, Backend: s.offer.Backend, Data: data, Login: data["login"]}
		if s.offer.Backend == "vpn" || s.offer.Backend == "dsl" {
			c.SecretHash = g.hash
		}
		t := provision.Target{Subscription: sub, Member: m, Offer: s.offer, Config: c, Reference: refOf(sub, s.offer, m)}
		b := backends.Get(s.offer.Backend)
		errs, err := g.sv.IPAM.Assign(ctx, tx, t, b.Fields(), nil)
		if err != nil {
			return fmt.Errorf("addresses of subscription %d: %w", sub.ID, err)
		}
		if errs.Any() {
			return fmt.Errorf("addresses of subscription %d: %v", sub.ID, errs)
		}
		if err := tx.SaveConfiguration(ctx, c); err != nil {
			return fmt.Errorf("configuration of subscription %d: %w", sub.ID, err)
		}
		if c.Data["ipv4_endpoint"] != "" || c.Data["ipv6_endpoint"] != "" {
			g.st.Allocations++
		}
		if !s.resign.IsZero() && !s.resign.After(g.o.Today) {
			return g.sv.IPAM.Release(ctx, tx, t)
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.st.Subscriptions = len(subs)
	g.say("%d subscriptions, %d with addresses from the pools", len(subs), g.st.Allocations)
	return nil
}

func (g *generator) extras(ctx context.Context) error {
	err := g.sv.Store.Tx(ctx, func(tx *store.Store) error {
		for _, gm := range g.members {
			if !gm.mandate {
				continue
			}
			m := gm.m
			sig := date.Min(m.DateJoined.AddDays(7), g.o.Today)
			d := &store.Mandate{MemberID: m.ID, Reference: fmt.Sprintf("TRABOULE-%06d", m.ID),
				SignatureDate: sig, IBAN: frenchIBAN("30003", fmt.Sprintf("%05d", 1000+m.ID%9000), fmt.Sprintf("%011d", m.ID)),
				BIC: "SOGEFRPP", SequenceType: model.SeqRecurring, Active: true}
			if err := tx.CreateMandate(ctx, d); err != nil {
				return fmt.Errorf("mandate of %s: %w", m.Login, err)
			}
			g.st.Mandates++
		}
		if err := g.hardware(ctx, tx); err != nil {
			return err
		}
		var ms []*store.Member
		for _, gm := range g.members {
			ms = append(ms, gm.m)
		}
		n, err := loadMaillists(ctx, tx, ms)
		g.st.ListSubscriptions = n
		return err
	})
	if err != nil {
		return err
	}
	g.say("%d SEPA mandates, %d loans, %d list subscriptions", g.st.Mandates, g.st.Loans, g.st.ListSubscriptions)
	return nil
}

// hardware stocks about one item for ten members and lends two thirds of
// them, a third of the loans being over.
func (g *generator) hardware(ctx context.Context, tx *store.Store) error {
	rng := g.rng
	var types []*store.ItemType
	for _, name := range []string{"Routeur", "ONT", "Câble", "Antenne Wi-Fi"} {
		t := &store.ItemType{Name: name}
		if err := tx.CreateItemType(ctx, t); err != nil {
			return fmt.Errorf("item type %s: %w", name, err)
		}
		types = append(types, t)
	}
	var places []*store.StoragePlace
	for _, name := range []string{"Local associatif", "Cave de Sacha", "Baie datacenter"} {
		p := &store.StoragePlace{Name: name}
		if err := tx.CreateStoragePlace(ctx, p); err != nil {
			return fmt.Errorf("storage place %s: %w", name, err)
		}
		places = append(places, p)
	}
	models := []struct {
		name string
		kind int
	}{{"Turris Omnia", 0}, {"TP-Link Archer C7", 0}, {"Huawei HG8010H", 1}, {"Nokia G-010G-P", 1},
		{"Jarretière fibre SC/APC 3 m", 2}, {"Ubiquiti NanoStation M5", 3}, {"Ubiquiti LiteBeam 5AC", 3}}
	n := max(10, len(g.members)/10)
	for i := 0; i < n; i++ {
		md := models[rng.IntN(len(models))]
		place := places[rng.IntN(len(places))].ID
		it := &store.Item{Designation: md.name, TypeID: types[md.kind].ID, BuyDate: g.first.AddMonths(-rng.IntN(60)).FirstOfMonth(),
			StorageID: &place}
		if md.kind != 2 {
			it.Serial = fmt.Sprintf("SN-%06d", i+1)
			it.MAC = fmt.Sprintf("02:c0:1b:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff)
		}
		if err := tx.CreateItem(ctx, it); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
		if rng.IntN(3) == 0 {
			continue
		}
		gm := g.members[rng.IntN(len(g.members))]
		if gm.m.Status == model.StatusPending {
			continue
		}
		start := gm.m.DateJoined.AddDays(rng.IntN(60))
		if start.After(g.o.Today) {
			start = g.o.Today
		}
		loan := &store.Loan{ItemID: it.ID, MemberID: gm.m.ID, StartDate: start}
		if err := tx.LendItem(ctx, loan); err != nil {
			return fmt.Errorf("loan of item %d: %w", i, err)
		}
		g.st.Loans++
		if end := start.AddMonths(1 + rng.IntN(24)); rng.IntN(3) == 0 && end.Before(g.o.Today) {
			if _, err := tx.ReturnItem(ctx, it.ID, end); err != nil {
				return fmt.Errorf("return of item %d: %w", i, err)
			}
		}
	}
	return nil
}

// history charges every month with billing.Service.Charge on its first day
// and pays its invoices.
func (g *generator) history(ctx context.Context) error {
	b := g.sv.Billing
	if _, err := b.MarkBilledBefore(ctx, g.first); err != nil {
		return err
	}
	for k := 0; k < g.o.Months; k++ {
		day := g.first.AddMonths(k)
		var progress func(done, total int)
		if g.o.Charging != nil {
			progress = g.o.Charging(k + 1)
		}
		sum, err := b.Charge(ctx, day, false, progress)
		if err != nil {
			return err
		}
		g.st.Invoices += sum.Invoices
		paid, bankLines, err := g.pay(ctx, day)
		if err != nil {
			return fmt.Errorf("payments of %s: %w", day, err)
		}
		g.say("month %d/%d (%s): %s invoices (%s), %s payments (%s from the bank statement)", k+1, g.o.Months, day,
			thousands(sum.Invoices), money.Plain(sum.TotalCents), thousands(paid), thousands(bankLines))
	}
	return nil
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// pay settles the invoices issued on day: transfers come in one bank
// statement, imported through the bank import; cheques, cash and direct
// debits are recorded through billing. Late members and about one invoice
// in fifty stay unpaid.
func (g *generator) pay(ctx context.Context, day date.Date) (paid, bankLines int, err error) {
	invs, _, err := g.sv.Store.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: "open", From: day, To: day})
	if err != nil {
		return 0, 0, err
	}
	sort.Slice(invs, func(i, j int) bool { return invs[i].Number < invs[j].Number })
	type entry struct {
		day   date.Date
		cents int64
		label string
	}
	var statement []entry
	var direct []*store.Payment
	var firsts []int64
	for _, inv := range invs {
		gm := g.byID[inv.MemberID]
		if gm == nil || gm.late || g.rng.IntN(50) == 0 {
			continue
		}
		when := day.AddDays(2 + g.rng.IntN(25))
		if gm.method == "direct_debit" {
			when = inv.DueDate
		}
		if when.After(g.o.Today) {
			when = g.o.Today
		}
		if gm.method == model.PayTransfer {
			statement = append(statement, entry{when, inv.Remaining(),
				fmt.Sprintf("VIR SEPA %s FACT %s", bankName(gm.m), inv.Number)})
			continue
		}
		p := &store.Payment{MemberID: inv.MemberID, Method: gm.method, Date: when, AmountCents: inv.Remaining()}
		switch gm.method {
		case "cheque":
			p.Label = fmt.Sprintf("CHQ %07d", 1200000+inv.ID)
		case model.PayCash:
			p.Label = "Espèces, facture " + inv.Number
		default:
			p.Label = "PRLV SEPA " + inv.Number
		}
		direct = append(direct, p)
		firsts = append(firsts, inv.ID)
	}
	err = g.batch(ctx, len(direct), 500, func(tx *store.Store, i int) error {
		_, err := g.sv.Billing.RecordPaymentTx(ctx, tx, direct[i], billing.PaymentOptions{FirstInvoiceID: firsts[i],
			Member: g.byID[direct[i].MemberID].m}, "demo")
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	paid = len(direct)
	if len(statement) == 0 {
		g.st.Payments += paid
		return paid, 0, nil
	}
	sort.SliceStable(statement, func(i, j int) bool { return statement[i].day.Before(statement[j].day) })
	var csv bytes.Buffer
	csv.WriteString("Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n")
	balance := int64(250000)
	for _, e := range statement {
		balance += e.cents
		d := e.day.Time().Format("02/01/2006")
		fmt.Fprintf(&csv, "%s;%s;;%s;%s;%s\r\n", d, d, money.Decimal(e.cents, ","), e.label, money.Decimal(balance, ","))
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes(csv.Bytes())
	if err != nil {
		return 0, 0, err
	}
	imp, _, err := g.sv.Bank.Preview(ctx, fmt.Sprintf("releve-%s.csv", day), "credit_mutuel", data, nil)
	if err != nil {
		return 0, 0, err
	}
	sum, err := g.sv.Bank.Confirm(ctx, imp.ID, bank.Actor{Name: "demo"})
	if err != nil {
		return 0, 0, err
	}
	g.st.Payments += paid + sum.Payments
	g.st.BankLines += sum.Payments
	return paid + sum.Payments, sum.Payments, nil
}

// bankName is how a bank writes a payer: capitals without accents.
func bankName(m *store.Member) string {
	name := m.FirstName + " " + m.LastName
	if m.PersonType == model.LegalPerson {
		name = m.OrganizationName
	}
	var words []string
	for _, w := range strings.Fields(name) {
		if a := asciiLower(w); a != "" {
			words = append(words, strings.ToUpper(a))
		}
	}
	return strings.Join(words, " ")
}
