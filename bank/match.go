package bank

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"coin/fees"
	"coin/model"
	"coin/store"
	"coin/subscription"
)

// Reasons a line was matched, shown in the preview.
const (
	ByInvoiceNumber = "invoice_number"
	BySubscription  = "subscription_reference"
	ByMembership    = "membership_reference"
	ByAmountName    = "amount_name"
	ByName          = "name"
	ByHand          = "manual"
)

// index is what matching knows of members, their references and their
// open invoices; built once per statement.
type index struct {
	refs      map[string][]refTarget // normalised reference → what it names
	byToken   map[string][]*person   // a name's longest word → people
	people    map[int64]*person
	open      map[int64][]store.InvoiceRef // member → open invoices, oldest first
	feeCents  int64
	maxRefLen int              // in words, for joining label words
	names     map[int64]string // member → display name, for the preview
	numbers   map[int64]string // invoice → number
}

type refTarget struct {
	kind      string // ByInvoiceNumber, BySubscription, ByMembership
	memberID  int64
	invoiceID int64 // for invoice numbers
	open      bool  // the invoice still has something to pay
}

type person struct {
	id     int64
	tokens []string // normalised words of the name, all needed in a label
}

// buildIndex reads members, subscriptions and invoices.
func (s *Service) buildIndex(ctx context.Context) (*index, error) {
	ix := &index{refs: map[string][]refTarget{}, byToken: map[string][]*person{}, people: map[int64]*person{},
		open: map[int64][]store.InvoiceRef{}, feeCents: s.Cfg.Fees.DefaultFeeCents(),
		names: map[int64]string{}, numbers: map[int64]string{}}
	members, _, err := s.Store.ListMembers(ctx, store.MemberFilter{Limit: 1 << 30, Sort: "id"})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*store.Member, len(members))
	feeRef := fees.ReferenceFunc(s.Cfg.Fees.MembershipReference)
	for _, m := range members {
		byID[m.ID] = m
		ix.names[m.ID] = m.DisplayName()
		if ref, err := feeRef(m); err == nil {
			ix.addRef(ref, refTarget{kind: ByMembership, memberID: m.ID})
		}
		ix.addPerson(m)
	}
	offers, err := s.Store.ListOffers(ctx)
	if err != nil {
		return nil, err
	}
	offerByID := make(map[int64]*store.Offer, len(offers))
	for _, o := range offers {
		offerByID[o.ID] = o
	}
	subs, _, err := s.Store.ListSubscriptions(ctx, store.SubscriptionFilter{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	subRef := subscription.ReferenceFunc(s.Cfg.Services.SubscriptionReference)
	for _, sub := range subs {
		if o, m := offerByID[sub.OfferID], byID[sub.MemberID]; o != nil && m != nil {
			ix.addRef(subRef(&sub.Subscription, o, m), refTarget{kind: BySubscription, memberID: sub.MemberID})
		}
	}
	invoices, err := s.Store.InvoiceRefs(ctx)
	if err != nil {
		return nil, err
	}
	for _, inv := range invoices {
		ix.addRef(inv.Number, refTarget{kind: ByInvoiceNumber, memberID: inv.MemberID, invoiceID: inv.ID, open: inv.Remaining > 0})
		if inv.Remaining > 0 {
			ix.open[inv.MemberID] = append(ix.open[inv.MemberID], inv)
			ix.numbers[inv.ID] = inv.Number
		}
	}
	return ix, nil
}

// addRef indexes a reference by its letters and digits only: banks drop or
// change separators ("ADH-12" arrives as "ADH 12" or "ADH12"). References
// too short, or without a digit, would match ordinary words and are left out.
func (ix *index) addRef(ref string, t refTarget) {
	words := words(ref)
	key := strings.Join(words, "")
	if len(key) < 4 || !strings.ContainsAny(key, "0123456789") {
		return
	}
	for _, old := range ix.refs[key] {
		if old == t {
			return
		}
	}
	ix.refs[key] = append(ix.refs[key], t)
	ix.maxRefLen = max(ix.maxRefLen, len(words))
}

func (ix *index) addPerson(m *store.Member) {
	name := m.FirstName + " " + m.LastName
	if m.PersonType == model.LegalPerson && m.OrganizationName != "" {
		name = m.OrganizationName
	}
	var tokens []string
	for _, w := range words(name) {
		if len(w) >= 2 {
			tokens = append(tokens, w)
		}
	}
	if len(tokens) == 0 {
		return
	}
	p := &person{id: m.ID, tokens: tokens}
	ix.people[m.ID] = p
	longest := tokens[0]
	for _, t := range tokens {
		if len(t) > len(longest) {
			longest = t
		}
	}
	ix.byToken[longest] = append(ix.byToken[longest], p)
}

// fold upper-cases and strips accents: "Élodie Lefèvre" is ELODIE LEFEVRE
// in bank labels.
var fold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// words splits text into upper-case words of letters and digits.
func words(s string) []string {
	if !isASCII(s) {
		if f, _, err := transform.String(fold, s); err == nil {
			s = f
		}
	}
	return strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// match decides what a credit line pays: by the references it quotes
// (invoice number, subscription reference, membership reference), then by
// the payer's name and the amount.
func (ix *index) match(l *store.BankImportLine) {
	text := l.Label + " " + l.Counterparty
	ws := words(text)
	if targets := ix.findRefs(ws); len(targets) > 0 {
		ix.byReference(l, targets)
		return
	}
	ix.byNameAndAmount(l, ws)
}

// describe fills the names the preview shows.
func (ix *index) describe(l *store.BankImportLine) {
	if l.MemberID != nil {
		l.MemberName = ix.names[*l.MemberID]
	}
	if l.InvoiceID != nil {
		l.InvoiceNumber = ix.numbers[*l.InvoiceID]
	}
}

// findRefs looks up every run of up to maxRefLen consecutive words, joined,
// keeping the longest found at each starting word.
func (ix *index) findRefs(ws []string) []refTarget {
	var out []refTarget
	for i := range ws {
		var best []refTarget
		key := ""
		for j := i; j < len(ws) && j < i+ix.maxRefLen; j++ {
			key += ws[j]
			if t, ok := ix.refs[key]; ok {
				best = t
			}
		}
		out = append(out, best...)
	}
	return out
}

var kindRank = map[string]int{ByInvoiceNumber: 0, BySubscription: 1, ByMembership: 2}

func (ix *index) byReference(l *store.BankImportLine, targets []refTarget) {
	members := map[int64]bool{}
	for _, t := range targets {
		members[t.memberID] = true
	}
	if len(members) > 1 {
		l.Result, l.Reason, l.Candidates = model.LineAmbiguous, "references", sortedIDs(members)
		return
	}
	// One member: the most precise reference says what is paid.
	sort.SliceStable(targets, func(i, j int) bool { return kindRank[targets[i].kind] < kindRank[targets[j].kind] })
	t := targets[0]
	l.Result, l.MemberID, l.Reason = model.LineMatched, &t.memberID, t.kind
	switch {
	case t.kind == ByInvoiceNumber && t.open:
		l.Target, l.InvoiceID = model.TargetInvoice, &t.invoiceID
	case t.kind == ByMembership:
		l.Target = model.TargetFee
	default:
		// A subscription, or an invoice already paid: the member's oldest
		// open invoices, the rest as credit.
		l.Target = model.TargetCredit
	}
}

// byNameAndAmount finds the members whose whole name is in the label, then
// keeps those the amount fits: an open invoice of exactly that amount, or
// the membership fee.
func (ix *index) byNameAndAmount(l *store.BankImportLine, ws []string) {
	present := make(map[string]bool, len(ws))
	for _, w := range ws {
		present[w] = true
	}
	found := map[int64]bool{}
	for w := range present {
		for _, p := range ix.byToken[w] {
			if all(p.tokens, present) {
				found[p.id] = true
			}
		}
	}
	if len(found) == 0 {
		l.Result = model.LineUnmatched
		return
	}
	type fit struct{ member, invoice int64 }
	var fits []fit
	for id := range found {
		for _, inv := range ix.open[id] {
			if inv.Remaining == l.AmountCents {
				fits = append(fits, fit{id, inv.ID})
				break
			}
		}
	}
	sort.Slice(fits, func(i, j int) bool { return fits[i].member < fits[j].member })
	switch {
	case len(fits) == 1:
		l.Result, l.Reason, l.Target = model.LineMatched, ByAmountName, model.TargetInvoice
		l.MemberID, l.InvoiceID = &fits[0].member, &fits[0].invoice
	case len(fits) > 1:
		ids := map[int64]bool{}
		for _, f := range fits {
			ids[f.member] = true
		}
		l.Result, l.Reason, l.Candidates = model.LineAmbiguous, ByAmountName, sortedIDs(ids)
	case len(found) == 1 && l.AmountCents == ix.feeCents && ix.feeCents > 0:
		for id := range found {
			l.Result, l.Reason, l.Target, l.MemberID = model.LineMatched, ByAmountName, model.TargetFee, &id
		}
	default:
		// The name is there but the amount fits nothing: a person decides.
		l.Result, l.Reason, l.Candidates = model.LineAmbiguous, ByName, sortedIDs(found)
	}
}

func all(tokens []string, present map[string]bool) bool {
	for _, t := range tokens {
		if !present[t] {
			return false
		}
	}
	return true
}

func sortedIDs(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
