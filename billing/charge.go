package billing

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"coin/date"
	"coin/invoicepdf"
	"coin/model"
	"coin/money"
	"coin/store"
)

// ChargeBatch is how many members are charged per transaction: a run
// killed part-way keeps the batches committed, loses the current one whole,
// and the next run goes on where it stopped.
const ChargeBatch = 200

// Summary says what a charge run did (or would do, for a dry run).
type Summary struct {
	Day        date.Date
	DryRun     bool
	Members    int // members looked at
	Invoices   int
	Lines      int
	TotalCents int64
	First      string // first and last numbers given
	Last       string
	// A dry run lists the invoices it would create, the first
	// SummaryListCap of them; More counts the others.
	List []MemberCharge
	More int
}

// SummaryListCap is how many members' invoices a dry run's summary lists.
const SummaryListCap = 200

// MemberCharge is what a dry run would invoice one member.
type MemberCharge struct {
	MemberID   int64
	Name       string
	TotalCents int64
	Lines      []LineCharge
}

// LineCharge is a line a dry run would invoice; From and To are zero for a
// line without a period (a setup fee).
type LineCharge struct {
	Label       string
	From, To    date.Date
	AmountCents int64 // tax included
}

func plural(n int, one, other string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, other)
}

// String is the summary the job records: a first line for the history,
// then, for a dry run, one line per member and one indented line per
// invoice line (label, period, amount, separated by tabs), which
// ParseSummary reads back.
func (s Summary) String() string {
	verb := "created"
	if s.DryRun {
		verb = "would create"
	}
	out := fmt.Sprintf("%s: %s checked, %s %s (%s), total %s", s.Day, plural(s.Members, "member", "members"), verb,
		plural(s.Invoices, "invoice", "invoices"), plural(s.Lines, "line", "lines"), money.Plain(s.TotalCents))
	if s.First != "" {
		out += fmt.Sprintf(", numbers %s to %s", s.First, s.Last)
	}
	var b strings.Builder
	b.WriteString(out)
	more := s.More
	for i, m := range s.List {
		var mb strings.Builder
		fmt.Fprintf(&mb, "\n#%d %s: %s", m.MemberID, oneLine(m.Name), money.Plain(m.TotalCents))
		for _, l := range m.Lines {
			from, to := "-", "-"
			if !l.From.IsZero() {
				from, to = l.From.String(), l.To.String()
			}
			fmt.Fprintf(&mb, "\n\t%s\t%s\t%s\t%s", oneLine(l.Label), from, to, money.Plain(l.AmountCents))
		}
		if b.Len()+mb.Len() > summaryBudget {
			// The run record keeps so much of a summary: the members past
			// it are counted, not listed.
			more += len(s.List) - i
			break
		}
		b.WriteString(mb.String())
	}
	if more > 0 {
		fmt.Fprintf(&b, "\nand %d more", more)
	}
	return b.String()
}

// summaryBudget is how long a summary's list may grow, under the 20 000
// bytes a job run record keeps of it.
const summaryBudget = 18000

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var (
	summaryRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}): (\d+) members? checked, (created|would create) (\d+) invoices? \((\d+) lines?\), total (-?\d+\.\d{2})(?:, numbers (\S+) to (\S+))?$`)
	memberRE  = regexp.MustCompile(`^#(\d+) (.*): (-?\d+\.\d{2})$`)
	moreRE    = regexp.MustCompile(`^and (\d+) more$`)
)

// ParseSummary reads back Summary.String(), or answers false when s does
// not read as one.
func ParseSummary(s string) (*Summary, bool) {
	rows := strings.Split(s, "\n")
	m := summaryRE.FindStringSubmatch(rows[0])
	if m == nil {
		return nil, false
	}
	day, err := date.Parse(m[1])
	if err != nil {
		return nil, false
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	cents := func(s string) int64 { v, _ := money.Parse(s); return v }
	sum := &Summary{Day: day, DryRun: m[3] == "would create", Members: n(m[2]), Invoices: n(m[4]),
		Lines: n(m[5]), TotalCents: cents(m[6]), First: m[7], Last: m[8]}
	for _, r := range rows[1:] {
		if f := strings.Split(r, "\t"); len(f) == 5 && f[0] == "" && len(sum.List) > 0 {
			l := LineCharge{Label: f[1], AmountCents: cents(f[4])}
			l.From, _ = date.Parse(f[2])
			l.To, _ = date.Parse(f[3])
			mc := &sum.List[len(sum.List)-1]
			mc.Lines = append(mc.Lines, l)
		} else if mm := memberRE.FindStringSubmatch(r); mm != nil {
			id, _ := strconv.ParseInt(mm[1], 10, 64)
			sum.List = append(sum.List, MemberCharge{MemberID: id, Name: mm[2], TotalCents: cents(mm[3])})
		} else if mm := moreRE.FindStringSubmatch(r); mm != nil {
			sum.More = n(mm[1])
		}
	}
	return sum, true
}

// draft is an invoice being built for one member during a run.
type draft struct {
	member  *store.Member
	inv     *store.Invoice
	lines   []*store.InvoiceLine
	periods []store.ChargedPeriod // parallel to lines (zero for setup fees)
	mandate *store.Mandate        // active SEPA mandate: the invoice will be collected
	pdf     []byte
}

// ErrFutureCharge is returned for a charge run (not a dry run) dated after
// today.
var ErrFutureCharge = errors.New("invoices cannot be dated after the day they are validated")

// Charge invoices every billable subscription for each period begun by day
// and not invoiced yet: one validated invoice per member, numbered, with
// its PDF. Running it again, or twice at once, adds nothing. progress, when
// set, is called after each batch.
func (s *Service) Charge(ctx context.Context, day date.Date, dryRun bool, progress func(done, total int)) (Summary, error) {
	sum := Summary{Day: day, DryRun: dryRun}
	// An invoice is validated when it is charged: dated later than that,
	// its FEC line would be validated before it happened. A dry run may
	// look ahead.
	if today := date.Of(s.Store.Now().In(s.Cfg.Location())); !dryRun && day.After(today) {
		return sum, fmt.Errorf("charge as of %s: %w (today is %s; add --dry-run to see what it would invoice)", day, ErrFutureCharge, today)
	}
	ids, err := s.Store.BillableMemberIDs(ctx, day)
	if err != nil {
		return sum, err
	}
	for start := 0; start < len(ids); start += ChargeBatch {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		batch := ids[start:min(start+ChargeBatch, len(ids))]
		if err := s.chargeBatch(ctx, batch, day, dryRun, &sum); err != nil {
			return sum, err
		}
		sum.Members += len(batch)
		if progress != nil {
			progress(sum.Members, len(ids))
		}
	}
	s.Log.Info("charge run", "summary", sum.String())
	return sum, nil
}

var errDryRun = errors.New("dry run")

func (s *Service) chargeBatch(ctx context.Context, batch []int64, day date.Date, dryRun bool, sum *Summary) error {
	var local Summary
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		// Concurrent runs take turns per batch and each sees what the other
		// charged: the periods are read inside the lock.
		if err := tx.LockCharging(ctx); err != nil {
			return err
		}
		subs, err := tx.BillableSubscriptions(ctx, batch, day)
		if err != nil {
			return err
		}
		members, err := tx.MembersByIDs(ctx, batch)
		if err != nil {
			return err
		}
		drafts := s.buildDrafts(batch, subs, members, day)
		for _, d := range drafts {
			n := countLines(d.lines)
			if n == 0 {
				continue
			}
			local.Invoices++
			local.Lines += n
			mc := MemberCharge{MemberID: d.member.ID, Name: d.member.DisplayName()}
			for _, l := range d.lines {
				if l != nil {
					local.TotalCents += l.AmountCents + l.TaxCents
					mc.TotalCents += l.AmountCents + l.TaxCents
					mc.Lines = append(mc.Lines, LineCharge{Label: l.Label, From: l.PeriodFrom, To: l.PeriodTo,
						AmountCents: l.AmountCents + l.TaxCents})
				}
			}
			if dryRun {
				local.List = append(local.List, mc)
			}
		}
		if dryRun || len(drafts) == 0 {
			return errDryRun
		}
		var numbers []string
		if local.Invoices > 0 {
			if numbers, err = s.reserve(ctx, tx, model.KindInvoice, day, local.Invoices); err != nil {
				return err
			}
			local.First, local.Last = numbers[0], numbers[len(numbers)-1]
		}
		next := 0
		for _, d := range drafts {
			if countLines(d.lines) > 0 {
				d.inv.Number, d.inv.IssueDate, d.inv.DueDate = numbers[next], day, day.AddDays(s.Cfg.Billing.PaymentDelay)
				next++
			}
		}
		if s.Cfg.SEPA.Enabled() {
			mandates, err := tx.ActiveMandates(ctx, batch)
			if err != nil {
				return err
			}
			for _, d := range drafts {
				d.mandate = mandates[d.member.ID]
			}
		}
		// With the numbers known, the PDFs are drawn on every core while
		// this goroutine writes the drafts; the renderers work on copies.
		wait := s.renderAsync(ctx, drafts, s.issuer(ctx))
		for _, d := range drafts {
			if err := s.storeDraft(ctx, tx, d); err != nil {
				wait()
				return err
			}
		}
		if err := wait(); err != nil {
			return err
		}
		for _, d := range drafts {
			if err := s.finish(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return fmt.Errorf("charge members %d to %d: %w", batch[0], batch[len(batch)-1], err)
	}
	sum.Invoices += local.Invoices
	sum.Lines += local.Lines
	sum.TotalCents += local.TotalCents
	for _, mc := range local.List {
		if len(sum.List) < SummaryListCap {
			sum.List = append(sum.List, mc)
		} else {
			sum.More++
		}
	}
	if local.First != "" {
		if sum.First == "" {
			sum.First = local.First
		}
		sum.Last = local.Last
	}
	return nil
}

// buildDrafts computes the lines due per member, in member order.
func (s *Service) buildDrafts(batch []int64, subs map[int64][]*store.BillableSubscription, members map[int64]*store.Member, day date.Date) []*draft {
	taxBP := s.Cfg.Billing.TaxRateBP()
	var out []*draft
	for _, id := range batch {
		m := members[id]
		if m == nil {
			continue
		}
		lang := memberLang(m, s.Cfg.Server.DefaultLanguage)
		loc := s.locale(lang)
		d := &draft{member: m, inv: &store.Invoice{Kind: model.KindInvoice, MemberID: id, Language: lang}}
		for _, sub := range subs[id] {
			comment := ""
			if s.Cfg.Billing.InvoicesIncludeConfigComments {
				comment = sub.ConfigComment
			}
			for _, p := range DuePeriods(sub, day, s.Cfg.Billing.ChargeFrom) {
				if p.First && sub.Offer.SetupFeeCents > 0 {
					l := lineFrom(LineInput{Label: loc.Tf("invoice.setup_fee", map[string]any{"Offer": sub.Offer.Name}),
						Quantity: 1, UnitPriceCents: sub.Offer.SetupFeeCents, TaxRateBP: taxBP})
					l.SubscriptionID = ptr(sub.ID)
					d.lines = append(d.lines, l)
					d.periods = append(d.periods, store.ChargedPeriod{})
				}
				if p.AmountCents == 0 && sub.Offer.PeriodFeeCents == 0 {
					// A free offer: the period is recorded, not invoiced.
					d.periods = append(d.periods, store.ChargedPeriod{SubscriptionID: sub.ID, From: p.From, To: p.To})
					d.lines = append(d.lines, nil)
					continue
				}
				label := sub.Offer.Name
				if p.Served < p.FullDays {
					label = loc.Tf("invoice.prorated", map[string]any{"Offer": sub.Offer.Name, "Days": p.Served, "Of": p.FullDays})
				}
				l := lineFrom(LineInput{Label: label, Quantity: 1, UnitPriceCents: p.AmountCents, TaxRateBP: taxBP})
				l.PeriodFrom, l.PeriodTo, l.SubscriptionID, l.ConfigComment = p.ServedFrom, p.ServedTo, ptr(sub.ID), comment
				d.lines = append(d.lines, l)
				d.periods = append(d.periods, store.ChargedPeriod{SubscriptionID: sub.ID, From: p.From, To: p.To})
			}
		}
		if countLines(d.lines) > 0 || len(d.periods) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func countLines(ls []*store.InvoiceLine) int {
	n := 0
	for _, l := range ls {
		if l != nil {
			n++
		}
	}
	return n
}

// storeDraft writes a member's draft, lines and charged periods.
func (s *Service) storeDraft(ctx context.Context, tx *store.Store, d *draft) error {
	var lines []*store.InvoiceLine
	for _, l := range d.lines {
		if l != nil {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		if err := tx.CreateDraftInvoice(ctx, d.inv, lines); err != nil {
			return err
		}
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "invoice.created", MemberID: ptr(d.member.ID),
			InvoiceID: ptr(d.inv.ID), AmountCents: d.inv.TotalCents, Actor: "charge-subscriptions"}); err != nil {
			return err
		}
	}
	for i, p := range d.periods {
		if p.SubscriptionID == 0 {
			continue
		}
		if d.lines[i] != nil {
			p.InvoiceLineID = ptr(d.lines[i].ID)
		}
		if err := tx.RecordChargedPeriod(ctx, p); err != nil {
			return err
		}
	}
	d.lines = lines
	return nil
}

// renderAsync starts drawing the PDFs of the drafts with lines on every
// core and returns a function that waits for them and sets each draft's pdf.
// The renderers get copies of the invoices and lines, which the caller keeps
// writing to (ids) meanwhile.
func (s *Service) renderAsync(ctx context.Context, drafts []*draft, is issuer) (wait func() error) {
	type job struct {
		d     *draft
		inv   store.Invoice
		lines []*store.InvoiceLine
	}
	work := make(chan job)
	errs := make(chan error, len(drafts))
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range work {
				doc, err := s.document(ctx, nil, &jb.inv, jb.lines, jb.d.member, jb.d.mandate, is)
				if err == nil {
					jb.d.pdf, err = invoicepdf.Render(doc)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	jobs := make([]job, 0, len(drafts))
	for _, d := range drafts {
		var lines []*store.InvoiceLine
		for _, l := range d.lines {
			if l != nil {
				c := *l
				lines = append(lines, &c)
			}
		}
		if len(lines) == 0 {
			continue
		}
		inv := *d.inv
		var excl, tax int64
		for _, l := range lines {
			excl, tax = excl+l.AmountCents, tax+l.TaxCents
		}
		inv.TotalExclCents, inv.TaxCents, inv.TotalCents = excl, tax, excl+tax
		jobs = append(jobs, job{d: d, inv: inv, lines: lines})
	}
	go func() {
		for _, jb := range jobs {
			work <- jb
		}
		close(work)
	}()
	return func() error {
		wg.Wait()
		close(errs)
		return <-errs
	}
}

// finish validates a rendered draft.
func (s *Service) finish(ctx context.Context, tx *store.Store, d *draft) error {
	if len(d.lines) == 0 {
		return nil
	}
	if err := tx.ValidateInvoice(ctx, d.inv, d.pdf); err != nil {
		return err
	}
	d.pdf = nil
	if err := s.Books().Invoice(ctx, tx, d.inv, d.member); err != nil {
		return err
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "invoice.validated", MemberID: ptr(d.member.ID),
		InvoiceID: ptr(d.inv.ID), AmountCents: d.inv.TotalCents, Actor: "charge-subscriptions", Details: d.inv.Number}); err != nil {
		return err
	}
	if s.Cfg.Billing.HandleBalance {
		if err := s.applyCredit(ctx, tx, d.member.ID, "charge-subscriptions"); err != nil {
			return err
		}
	}
	return s.queueMail(ctx, tx, "invoice_new", d.member, map[string]any{"Invoice": mailInvoice(d.inv, s.locale(d.inv.Language), s.Cfg),
		"Debit": s.mailDebit(d.mandate, nil, s.locale(memberLang(d.member, s.Cfg.Server.DefaultLanguage)))})
}

// sortInvoicesOldestFirst orders open invoices as payments settle them.
func sortInvoicesOldestFirst(invs []*store.Invoice) {
	sort.SliceStable(invs, func(i, j int) bool {
		if !invs[i].IssueDate.Equal(invs[j].IssueDate) {
			return invs[i].IssueDate.Before(invs[j].IssueDate)
		}
		return invs[i].Number < invs[j].Number
	})
}

// MarkBilledBefore records every period that ends before day as invoiced
// outside coin, so that charging starts there: for ISPs moving their
// subscriptions from another system, and for the demo.
func (s *Service) MarkBilledBefore(ctx context.Context, day date.Date) (int, error) {
	ids, err := s.Store.BillableMemberIDs(ctx, day)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		subs, err := tx.BillableSubscriptions(ctx, ids, day)
		if err != nil {
			return err
		}
		for _, list := range subs {
			for _, sub := range list {
				for _, p := range DuePeriods(sub, day, date.Date{}) {
					if !p.End.Before(day) {
						continue
					}
					if err := tx.RecordChargedPeriod(ctx, store.ChargedPeriod{SubscriptionID: sub.ID, From: p.From, To: p.To}); err != nil {
						return err
					}
					n++
				}
			}
		}
		return nil
	})
	return n, err
}
