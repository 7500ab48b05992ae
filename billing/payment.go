package billing

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"coin/date"
	"coin/form"
	"coin/ledger"
	"coin/model"
	"coin/store"
)

// PaymentInput is a payment as typed by the treasurer.
type PaymentInput struct {
	MemberID int64
	Method   string
	Date     string
	Amount   string
	Label    string
}

// CheckPayment validates a payment form into p.
func CheckPayment(in PaymentInput, p *store.Payment) form.Errors {
	errs := form.Errors{}
	if in.MemberID == 0 {
		errs.Add("member_id", "err.member_required")
	}
	errs.OneOf("method", in.Method, store.PaymentMethods...)
	errs.Required("date", in.Date)
	p.Date = errs.Date("date", in.Date)
	errs.Required("amount", in.Amount)
	p.AmountCents = errs.Money("amount", in.Amount)
	if errs.Get("amount") == "" && p.AmountCents <= 0 {
		errs.Add("amount", "err.amount_positive")
	}
	errs.MaxLen("label", in.Label, 500)
	p.MemberID, p.Method, p.Label = in.MemberID, in.Method, strings.TrimSpace(in.Label)
	return errs
}

// CreditInput is a credit note form as typed by staff.
type CreditInput struct {
	Amount string // in the reader's format
	Label  string
}

// CheckCredit validates a credit note form: an amount above zero and a
// label. What the invoice can still take is checked by CreditNote.
func CheckCredit(in CreditInput) (amount int64, label string, errs form.Errors) {
	errs = form.Errors{}
	label = strings.TrimSpace(in.Label)
	errs.Required("amount", in.Amount)
	amount = errs.Money("amount", in.Amount)
	if errs.Get("amount") == "" && amount <= 0 {
		errs.Add("amount", "err.amount_positive")
	}
	errs.Required("label", label)
	errs.MaxLen("label", label, 300)
	return amount, label, errs
}

// RecordPayment stores a payment and allocates it to the member's oldest
// open invoices; what is left stays on the payment as the member's balance.
func (s *Service) RecordPayment(ctx context.Context, p *store.Payment, actor string) ([]*store.Allocation, error) {
	var allocs []*store.Allocation
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		allocs, err = s.RecordPaymentTx(ctx, tx, p, PaymentOptions{}, actor)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record payment of member %d: %w", p.MemberID, err)
	}
	return allocs, nil
}

// RecordPaymentFor is RecordPayment settling the member's invoice
// invoiceID first (recorded from that invoice's page); an invoice of
// another member refuses the whole payment (ErrOverAllocated).
func (s *Service) RecordPaymentFor(ctx context.Context, p *store.Payment, invoiceID int64, actor string) ([]*store.Allocation, error) {
	var allocs []*store.Allocation
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		allocs, err = s.RecordPaymentTx(ctx, tx, p, PaymentOptions{FirstInvoiceID: invoiceID}, actor)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record payment of member %d for invoice %d: %w", p.MemberID, invoiceID, err)
	}
	return allocs, nil
}

// PaymentOptions say how RecordPaymentTx settles a payment.
type PaymentOptions struct {
	// FirstInvoiceID is settled before the oldest open invoices (a bank
	// line naming an invoice).
	FirstInvoiceID int64
	// InvoiceIDs are settled next, in this order (a card payment made for
	// these invoices), before the oldest open invoices.
	InvoiceIDs []int64
	// Unallocated leaves the payment unallocated: it pays something that is
	// not an invoice (a membership fee), recorded by the caller, who also
	// books it in the ledger (fees.RecordPaidTx does).
	Unallocated bool
	// Member is the payment's member when the caller has it already read.
	Member *store.Member
}

// RecordPaymentTx is RecordPayment inside the caller's transaction tx, whose
// commit writes the log file and wakes the outbox. Used by the bank import,
// whose whole file is one transaction.
func (s *Service) RecordPaymentTx(ctx context.Context, tx *store.Store, p *store.Payment, opts PaymentOptions, actor string) ([]*store.Allocation, error) {
	m := opts.Member
	if m == nil || m.ID != p.MemberID {
		var err error
		if m, err = tx.MemberByID(ctx, p.MemberID); err != nil {
			return nil, err
		}
	}
	if err := ledger.CheckOpen(ctx, tx, p.Date); err != nil {
		return nil, err
	}
	if err := tx.CreatePayment(ctx, p); err != nil {
		return nil, err
	}
	if s.Paid != nil {
		memberID := p.MemberID
		tx.AfterCommit(func() { s.Paid(memberID) })
	}
	if !opts.Unallocated {
		if err := s.Books().Payment(ctx, tx, p, m); err != nil {
			return nil, err
		}
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "payment.created", MemberID: ptr(p.MemberID),
		PaymentID: ptr(p.ID), AmountCents: p.AmountCents, Actor: actor,
		Details: p.Method + " " + p.Date.String() + " " + p.Label}); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, "payment.created", "payment", p.ID, p.MemberID, amountChange(p.AmountCents),
		store.Change{Field: "method", New: p.Method}, store.Change{Field: "date", New: p.Date.String()}); err != nil {
		return nil, err
	}
	if opts.Unallocated {
		return nil, nil
	}
	var allocs []*store.Allocation
	left := p.AmountCents
	first := opts.InvoiceIDs
	if opts.FirstInvoiceID != 0 {
		first = append([]int64{opts.FirstInvoiceID}, first...)
	}
	for _, id := range first {
		if left <= 0 {
			break
		}
		a, err := s.allocateTo(ctx, tx, p, id, left, actor)
		if err != nil {
			return nil, err
		}
		if a != nil {
			allocs = append(allocs, a)
			left -= a.AmountCents
		}
	}
	if left > 0 {
		more, err := s.allocateOldestFirst(ctx, tx, p, left, actor)
		if err != nil {
			return nil, err
		}
		allocs = append(allocs, more...)
	}
	if s.Mail == nil {
		return allocs, nil
	}
	loc := s.locale(memberLang(m, s.Cfg.Server.DefaultLanguage))
	err := s.queueMail(ctx, tx, "payment_received", m, map[string]any{
		"Payment": map[string]any{"Amount": loc.Money(p.AmountCents), "Date": loc.Date(p.Date), "Label": p.Label}})
	return allocs, err
}

// allocateTo settles up to amount of one open invoice of the payment's
// member; nil when there is nothing left to settle on it.
func (s *Service) allocateTo(ctx context.Context, tx *store.Store, p *store.Payment, invoiceID, amount int64, actor string) (*store.Allocation, error) {
	inv, err := tx.ValidatedInvoiceRef(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	if inv.MemberID != p.MemberID {
		return nil, fmt.Errorf("invoice %d is not an invoice of member %d: %w", invoiceID, p.MemberID, ErrOverAllocated)
	}
	part := min(amount, inv.Remaining)
	if part <= 0 {
		return nil, nil
	}
	a := &store.Allocation{InvoiceID: inv.ID, PaymentID: ptr(p.ID), AmountCents: part, InvoiceNumber: inv.Number}
	if err := tx.CreateAllocation(ctx, a); err != nil {
		return nil, err
	}
	return a, tx.AppendLog(ctx, &store.LogEntry{Operation: "allocation.created", MemberID: ptr(p.MemberID),
		InvoiceID: ptr(inv.ID), PaymentID: ptr(p.ID), AmountCents: part, Actor: actor, Details: inv.Number})
}

// allocateOldestFirst settles open invoices with up to amount of a payment.
func (s *Service) allocateOldestFirst(ctx context.Context, tx *store.Store, p *store.Payment, amount int64, actor string) ([]*store.Allocation, error) {
	open, err := tx.OpenInvoices(ctx, p.MemberID)
	if err != nil {
		return nil, err
	}
	sortInvoicesOldestFirst(open)
	var out []*store.Allocation
	for _, inv := range open {
		if amount <= 0 {
			break
		}
		part := min(amount, inv.Remaining())
		a := &store.Allocation{InvoiceID: inv.ID, PaymentID: ptr(p.ID), AmountCents: part}
		if err := tx.CreateAllocation(ctx, a); err != nil {
			return nil, err
		}
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "allocation.created", MemberID: ptr(p.MemberID),
			InvoiceID: ptr(inv.ID), PaymentID: ptr(p.ID), AmountCents: part, Actor: actor, Details: inv.Number}); err != nil {
			return nil, err
		}
		a.InvoiceNumber = inv.Number
		out = append(out, a)
		amount -= part
	}
	return out, nil
}

// applyCredit uses a member's unallocated payments and credit notes to
// settle their open invoices, oldest first (handle_balance).
func (s *Service) applyCredit(ctx context.Context, tx *store.Store, memberID int64, actor string) error {
	payments, err := tx.UnallocatedPayments(ctx, memberID)
	if err != nil {
		return err
	}
	for _, p := range payments {
		if _, err := s.allocateOldestFirst(ctx, tx, p, p.Unallocated(), actor); err != nil {
			return err
		}
	}
	credits, err := tx.UnusedCreditNotes(ctx, memberID)
	if err != nil {
		return err
	}
	for _, cn := range credits {
		if err := s.useCreditNote(ctx, tx, cn, actor); err != nil {
			return err
		}
	}
	return nil
}

// Allocation is a share of a payment given to an invoice by hand.
type Allocation struct {
	InvoiceID   int64
	AmountCents int64
}

// ErrOverAllocated is returned when allocations exceed a payment or an invoice.
var ErrOverAllocated = errors.New("more than the payment or the invoice allows")

// ErrPaysFee is returned when re-allocating a payment that paid a
// membership fee: its money is the fee's, not the member's credit.
var ErrPaysFee = errors.New("the payment paid a membership fee")

// Reallocate replaces the allocations of a payment with those given: staff
// fixing where money went. Amounts must fit the payment and each invoice.
func (s *Service) Reallocate(ctx context.Context, paymentID int64, want []Allocation, actor string) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		p, err := tx.PaymentByID(ctx, paymentID)
		if err != nil {
			return err
		}
		paysFee, err := tx.PaymentPaysFee(ctx, paymentID)
		if err != nil {
			return err
		}
		if paysFee {
			return ErrPaysFee
		}
		old, err := tx.DeletePaymentAllocations(ctx, paymentID)
		if err != nil {
			return err
		}
		for _, a := range old {
			if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "allocation.removed", MemberID: ptr(p.MemberID),
				InvoiceID: ptr(a.InvoiceID), PaymentID: ptr(p.ID), AmountCents: -a.AmountCents, Actor: actor,
				Details: a.InvoiceNumber}); err != nil {
				return err
			}
		}
		var total int64
		for _, w := range want {
			if w.AmountCents == 0 {
				continue
			}
			inv, err := tx.InvoiceByID(ctx, w.InvoiceID)
			if err != nil {
				return err
			}
			if inv.MemberID != p.MemberID || inv.Kind != model.KindInvoice || inv.Status != model.InvoiceValidated ||
				w.AmountCents < 0 || w.AmountCents > inv.Remaining() {
				return fmt.Errorf("invoice %d: %w", w.InvoiceID, ErrOverAllocated)
			}
			total += w.AmountCents
			if total > p.AmountCents {
				return ErrOverAllocated
			}
			if err := tx.CreateAllocation(ctx, &store.Allocation{InvoiceID: inv.ID, PaymentID: ptr(p.ID), AmountCents: w.AmountCents}); err != nil {
				return err
			}
			if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "allocation.created", MemberID: ptr(p.MemberID),
				InvoiceID: ptr(inv.ID), PaymentID: ptr(p.ID), AmountCents: w.AmountCents, Actor: actor, Details: inv.Number}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, "payment.reallocated", "payment", p.ID, p.MemberID,
			store.Change{Field: "allocations", Old: allocationsText(old), New: wantText(want)})
	})
	if err != nil {
		return fmt.Errorf("reallocate payment %d: %w", paymentID, err)
	}
	return nil
}

// CreditNote issues a validated credit note of amount (including tax)
// against a validated invoice: what remains to pay on it is reduced first,
// the rest becomes the member's credit. The credit note reverses the
// invoice's lines at their tax rates (see creditLines). The invoice is
// locked first, so that two credit notes at once cannot together exceed it.
func (s *Service) CreditNote(ctx context.Context, invoiceID, amount int64, label string, day date.Date, actor string) (*store.Invoice, error) {
	var cn *store.Invoice
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockInvoice(ctx, invoiceID); err != nil {
			return err
		}
		inv, err := tx.InvoiceByID(ctx, invoiceID)
		if err != nil {
			return err
		}
		if inv.Kind != model.KindInvoice || inv.Status != model.InvoiceValidated {
			return fmt.Errorf("invoice %d cannot be credited: %w", invoiceID, store.ErrConflict)
		}
		credited, err := tx.CreditedByRate(ctx, inv.ID)
		if err != nil {
			return err
		}
		var creditedTotal int64
		for _, a := range credited {
			creditedTotal += a.ExclCents + a.TaxCents
		}
		if amount <= 0 || amount > inv.TotalCents-creditedTotal {
			return ErrOverAllocated
		}
		invLines, err := tx.InvoiceLines(ctx, inv.ID)
		if err != nil {
			return err
		}
		m, err := tx.MemberByID(ctx, inv.MemberID)
		if err != nil {
			return err
		}
		if s.Paid != nil {
			tx.AfterCommit(func() { s.Paid(m.ID) })
		}
		cn = &store.Invoice{Kind: model.KindCreditNote, MemberID: inv.MemberID, CreditedInvoiceID: ptr(inv.ID), Language: inv.Language}
		lines := creditLines(invLines, credited, amount, label)
		if err := tx.CreateDraftInvoice(ctx, cn, lines); err != nil {
			return err
		}
		if cn.TotalCents != amount {
			return fmt.Errorf("credit note lines total %d, not %d", cn.TotalCents, amount)
		}
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "credit_note.created", MemberID: ptr(m.ID),
			InvoiceID: ptr(cn.ID), AmountCents: amount, Actor: actor, Details: "for " + inv.Number}); err != nil {
			return err
		}
		numbers, err := s.reserve(ctx, tx, model.KindCreditNote, day, 1)
		if err != nil {
			return err
		}
		if err := s.validate(ctx, tx, cn, lines, m, numbers[0], day, actor); err != nil {
			return err
		}
		if err := audit(ctx, tx, "invoice.credited", "invoice", inv.ID, m.ID,
			store.Change{Field: "credit_note", New: cn.Number}, amountChange(amount)); err != nil {
			return err
		}
		return s.useCreditNote(ctx, tx, cn, actor)
	})
	if err != nil {
		return nil, fmt.Errorf("credit invoice %d: %w", invoiceID, err)
	}
	return cn, nil
}

// creditLines builds the lines of a credit note of amount (including tax)
// on an invoice of lines, whose earlier credit notes reversed credited per
// tax rate. Crediting the whole invoice at once mirrors its lines exactly.
// Otherwise the amount is split across the invoice's tax rates in
// proportion to what is left to credit at each (largest remainders, so the
// parts add up to the cent), and each part is divided into its amount
// excluding tax and its tax; a part that credits all that is left at a rate
// takes exactly the amounts left, so that the credit notes of an invoice
// end up reversing it exactly.
func creditLines(lines []*store.InvoiceLine, credited map[int]store.TaxAmounts, amount int64, label string) []*store.InvoiceLine {
	var total int64
	byRate := map[int]store.TaxAmounts{}
	var rates []int
	for _, l := range lines {
		total += l.AmountCents + l.TaxCents
		a, seen := byRate[l.TaxRateBP]
		if !seen {
			rates = append(rates, l.TaxRateBP)
		}
		byRate[l.TaxRateBP] = store.TaxAmounts{ExclCents: a.ExclCents + l.AmountCents, TaxCents: a.TaxCents + l.TaxCents}
	}
	if len(credited) == 0 && amount == total {
		out := make([]*store.InvoiceLine, 0, len(lines))
		for _, l := range lines {
			out = append(out, &store.InvoiceLine{Label: label + " — " + l.Label, Quantity: l.Quantity,
				UnitPriceCents: l.UnitPriceCents, TaxRateBP: l.TaxRateBP, AmountCents: l.AmountCents,
				TaxCents: l.TaxCents, PeriodFrom: l.PeriodFrom, PeriodTo: l.PeriodTo})
		}
		return out
	}
	// What is left to credit at each rate, in the order rates first appear.
	left := make([]store.TaxAmounts, len(rates))
	weights := make([]int64, len(rates))
	var sum int64
	for i, r := range rates {
		a, c := byRate[r], credited[r]
		left[i] = store.TaxAmounts{ExclCents: a.ExclCents - c.ExclCents, TaxCents: a.TaxCents - c.TaxCents}
		weights[i] = left[i].ExclCents + left[i].TaxCents
		sum += weights[i]
	}
	parts := splitProportionally(amount, weights, sum)
	var out []*store.InvoiceLine
	for i, r := range rates {
		part := parts[i]
		if part == 0 {
			continue // nothing left at this rate, or too little to get a cent
		}
		excl, tax := left[i].ExclCents, left[i].TaxCents
		if part != weights[i] {
			tax = taxIncluded(part, r)
			excl = part - tax
		}
		out = append(out, &store.InvoiceLine{Label: label, Quantity: 1, UnitPriceCents: excl, TaxRateBP: r,
			AmountCents: excl, TaxCents: tax})
	}
	if len(out) == 0 { // an invoice without lines: cannot happen once validated
		out = append(out, lineFrom(LineInput{Label: label, Quantity: 1, UnitPriceCents: amount}))
	}
	return out
}

// splitProportionally splits amount into parts proportional to weights
// (which add up to sum > 0), rounded down, the cents left over going to the
// largest remainders: the parts add up to amount exactly.
func splitProportionally(amount int64, weights []int64, sum int64) []int64 {
	parts := make([]int64, len(weights))
	if sum <= 0 {
		if len(parts) > 0 {
			parts[0] = amount
		}
		return parts
	}
	rems := make([]*big.Int, len(weights))
	a, d := big.NewInt(amount), big.NewInt(sum)
	given := int64(0)
	for i, w := range weights {
		q, r := new(big.Int), new(big.Int)
		q.DivMod(new(big.Int).Mul(a, big.NewInt(w)), d, r) // Euclidean: r >= 0
		parts[i], rems[i] = q.Int64(), r
		given += parts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return rems[order[x]].Cmp(rems[order[y]]) > 0 })
	for k := 0; given < amount; k++ {
		parts[order[k%len(order)]]++
		given++
	}
	return parts
}

// taxIncluded is the tax in an amount including tax at bp, rounded half
// away from zero.
func taxIncluded(amount int64, bp int) int64 {
	if bp == 0 {
		return 0
	}
	t, d := amount*int64(bp), int64(10000+bp)
	if t >= 0 {
		return (2*t + d) / (2 * d)
	}
	return -((-2*t + d) / (2 * d))
}

// useCreditNote settles the credited invoice first, then the member's
// other open invoices when handle_balance is on.
func (s *Service) useCreditNote(ctx context.Context, tx *store.Store, cn *store.Invoice, actor string) error {
	left := cn.Remaining()
	var targets []*store.Invoice
	if cn.CreditedInvoiceID != nil {
		orig, err := tx.InvoiceByID(ctx, *cn.CreditedInvoiceID)
		if err != nil {
			return err
		}
		targets = append(targets, orig)
	}
	if s.Cfg.Billing.HandleBalance {
		open, err := tx.OpenInvoices(ctx, cn.MemberID)
		if err != nil {
			return err
		}
		sortInvoicesOldestFirst(open)
		targets = append(targets, open...)
	}
	for _, inv := range targets {
		if left <= 0 {
			break
		}
		fresh, err := tx.InvoiceByID(ctx, inv.ID)
		if err != nil {
			return err
		}
		part := min(left, fresh.Remaining())
		if part <= 0 {
			continue
		}
		if err := tx.CreateAllocation(ctx, &store.Allocation{InvoiceID: inv.ID, CreditNoteID: ptr(cn.ID), AmountCents: part}); err != nil {
			return err
		}
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "allocation.created", MemberID: ptr(cn.MemberID),
			InvoiceID: ptr(inv.ID), AmountCents: part, Actor: actor, Details: "credit note " + cn.Number}); err != nil {
			return err
		}
		left -= part
		cn.PaidCents += part
	}
	return nil
}
