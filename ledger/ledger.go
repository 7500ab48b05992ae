// Package ledger writes the association's books: every money event
// (invoice, credit note, payment, membership fee, and the reversal of a
// deleted fee) becomes a balanced journal entry in the transaction that
// records it, numbered then per journal and fiscal year (the calendar
// year of the entry's date), gap-free, and never changed. The FEC and the
// accounting CSV read these entries, so an entry has the same number in
// every export. It also keeps the closed periods: nothing can be dated
// into a closed month or year.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/model"
	"coin/store"
)

// Sources of entries.
const (
	SourceInvoice     = "invoice" // invoices and credit notes
	SourcePayment     = "payment" // a payment settling invoices (customer account)
	SourceFee         = "fee"     // a membership fee, with its payment when it had one
	SourceFeeReversal = "fee_reversal"
	// SourcePaymentReversal is money given back (a card payment refunded):
	// dated the day it went back, the payment's entry keeping its number.
	SourcePaymentReversal = "payment_reversal"
)

// Books writes entries with the accounts and journals of [accounting] and
// labels in the ISP's language (server.default_language).
type Books struct {
	Cfg     *config.Config
	Catalog *i18n.Catalog
	// backfill books past events: closed periods are not checked.
	backfill bool
}

// New returns the books of cfg; catalog may be nil (it is loaded then).
func New(cfg *config.Config, catalog *i18n.Catalog) *Books {
	return &Books{Cfg: cfg, Catalog: catalog}
}

// ClosedError is returned for a write dated into a closed period.
type ClosedError struct {
	Period string // YYYY-MM or YYYY
	Day    date.Date
}

func (e *ClosedError) Error() string {
	return fmt.Sprintf("the period %s is closed: nothing can be dated %s", e.Period, e.Day)
}

// ErrClosed is what every ClosedError matches with errors.Is.
var ErrClosed = errors.New("period closed")

func (e *ClosedError) Is(target error) bool { return target == ErrClosed }

// Message is the error in lang, for a flash or a form.
func (e *ClosedError) Message(l *i18n.Locale) string {
	return l.Tf("ledger.err_period_closed", map[string]any{"Period": e.Period, "Date": l.Date(e.Day)})
}

// CheckOpen returns a *ClosedError when day falls in a closed period. In a
// transaction it also holds the periods' shared lock, so a closing waits
// for this write to commit (PostgreSQL).
func CheckOpen(ctx context.Context, tx *store.Store, day date.Date) error {
	if err := tx.LockPeriods(ctx, false); err != nil {
		return err
	}
	p, err := tx.ClosedPeriodOn(ctx, day)
	if err != nil {
		return err
	}
	if p != nil {
		return &ClosedError{Period: p.Period, Day: day}
	}
	return nil
}

func (b *Books) locale() *i18n.Locale {
	cat := b.Catalog
	if cat == nil {
		var err error
		if cat, err = i18n.Load(); err != nil {
			// The catalogue is embedded: this cannot fail in a built binary.
			panic(err)
		}
		b.Catalog = cat
	}
	return cat.Locale(b.Cfg.Server.DefaultLanguage, b.Cfg.Location(), b.Cfg.Billing.Currency)
}

// post checks the period, fills the validation day and writes e.
func (b *Books) post(ctx context.Context, tx *store.Store, e *store.JournalEntry) error {
	if !b.backfill {
		if err := CheckOpen(ctx, tx, e.Date); err != nil {
			return err
		}
	}
	if e.ValidDate.IsZero() {
		e.ValidDate = date.Of(tx.Now().In(b.Cfg.Location()))
	}
	if e.PieceDate.IsZero() {
		e.PieceDate = e.Date
	}
	for _, l := range e.Lines {
		if l.Label == "" {
			l.Label = e.Label
		}
	}
	return tx.CreateJournalEntry(ctx, e)
}

// Invoice books a validated invoice (debit customers, credit sales and
// VAT) or credit note (the reverse), dated its issue day. m is its member.
func (b *Books) Invoice(ctx context.Context, tx *store.Store, inv *store.Invoice, m *store.Member) error {
	a, l := b.Cfg.Accounting, b.locale()
	name := m.DisplayName()
	e := &store.JournalEntry{Journal: a.JournalSales, JournalLabel: a.JournalSalesLabel, Date: inv.IssueDate,
		PieceRef: inv.Number, SourceKind: SourceInvoice, SourceID: inv.ID, DocKind: inv.Kind,
		MemberLogin: m.Login, MemberName: name}
	customer := &store.JournalLine{Account: a.AccountCustomers, AccountLabel: l.T("ledger.account.customers"),
		AuxNum: m.Login, AuxLabel: name}
	sales := &store.JournalLine{Account: a.AccountSales, AccountLabel: l.T("ledger.account.sales")}
	vat := &store.JournalLine{Account: a.AccountVAT, AccountLabel: l.T("ledger.account.vat")}
	if inv.Kind == model.KindCreditNote {
		credited := ""
		if inv.CreditedInvoiceID != nil {
			orig, err := tx.InvoiceByID(ctx, *inv.CreditedInvoiceID)
			if err != nil {
				return err
			}
			credited = orig.Number
		}
		e.CreditedRef = credited
		e.Label = l.Tf("ledger.label.credit_note", map[string]any{"Number": inv.Number, "Credited": credited, "Name": name})
		customer.CreditCents, sales.DebitCents, vat.DebitCents = inv.TotalCents, inv.TotalExclCents, inv.TaxCents
	} else {
		e.Label = l.Tf("ledger.label.invoice", map[string]any{"Number": inv.Number, "Name": name})
		customer.DebitCents, sales.CreditCents, vat.CreditCents = inv.TotalCents, inv.TotalExclCents, inv.TaxCents
	}
	e.Lines = []*store.JournalLine{customer, sales}
	if inv.TaxCents != 0 {
		e.Lines = append(e.Lines, vat)
	}
	if inv.ValidatedAt != nil {
		e.ValidDate = date.Of(inv.ValidatedAt.In(b.Cfg.Location()))
	}
	return b.post(ctx, tx, e)
}

// treasury is the journal and account money paid by method goes to: cash
// to the cash journal, anything else to the bank.
func (b *Books) treasury(method string) (journal, journalLabel, account, accountLabel string) {
	a, l := b.Cfg.Accounting, b.locale()
	if method == model.PayCash {
		return a.JournalCash, a.JournalCashLabel, a.AccountCash, l.T("ledger.account.cash")
	}
	return a.JournalBank, a.JournalBankLabel, a.AccountBank, l.T("ledger.account.bank")
}

// paymentRef is the piece reference of a payment: its bank reference, or P
// and its number.
func paymentRef(p *store.Payment) string {
	if p.BankReference != "" {
		return p.BankReference
	}
	return fmt.Sprintf("P%d", p.ID)
}

// Payment books money received from member m that settles invoices (or
// stays as their balance): debit bank or cash, credit the member's
// customer account.
func (b *Books) Payment(ctx context.Context, tx *store.Store, p *store.Payment, m *store.Member) error {
	a, l := b.Cfg.Accounting, b.locale()
	j, jl, acc, accl := b.treasury(p.Method)
	e := &store.JournalEntry{Journal: j, JournalLabel: jl, Date: p.Date, PieceRef: paymentRef(p),
		SourceKind: SourcePayment, SourceID: p.ID, DocKind: "payment", MemberLogin: m.Login, MemberName: m.DisplayName(),
		Method: p.Method,
		Label:  strings.TrimSpace(l.Tf("ledger.label.payment", map[string]any{"Name": m.DisplayName(), "Label": p.Label}))}
	if !p.CreatedAt.IsZero() {
		e.ValidDate = date.Of(p.CreatedAt.In(b.Cfg.Location()))
	}
	e.Lines = []*store.JournalLine{
		{Account: acc, AccountLabel: accl, DebitCents: p.AmountCents},
		{Account: a.AccountCustomers, AccountLabel: l.T("ledger.account.customers"), AuxNum: m.Login,
			AuxLabel: m.DisplayName(), CreditCents: p.AmountCents}}
	return b.post(ctx, tx, e)
}

// PaymentReversal books payment p of member m given back on day (or, when
// returned, a direct debit the debtor's bank sent back): debit the
// member's customer account, credit bank or cash.
func (b *Books) PaymentReversal(ctx context.Context, tx *store.Store, p *store.Payment, m *store.Member, day date.Date, returned bool) error {
	a, l := b.Cfg.Accounting, b.locale()
	j, jl, acc, accl := b.treasury(p.Method)
	e := &store.JournalEntry{Journal: j, JournalLabel: jl, Date: day, PieceRef: paymentRef(p),
		SourceKind: SourcePaymentReversal, SourceID: p.ID, DocKind: SourcePaymentReversal, MemberLogin: m.Login,
		MemberName: m.DisplayName(), Method: p.Method,
		Label: strings.TrimSpace(l.Tf(reversalLabel(returned), map[string]any{"Name": m.DisplayName(), "Label": p.Label}))}
	e.Lines = []*store.JournalLine{
		{Account: a.AccountCustomers, AccountLabel: l.T("ledger.account.customers"), AuxNum: m.Login,
			AuxLabel: m.DisplayName(), DebitCents: p.AmountCents},
		{Account: acc, AccountLabel: accl, CreditCents: p.AmountCents}}
	return b.post(ctx, tx, e)
}

// reversalLabel names what a reversal is: a direct debit the debtor's
// bank sent back, or money given back.
func reversalLabel(returned bool) string {
	if returned {
		return "ledger.label.debit_return"
	}
	return "ledger.label.payment_reversal"
}

// FeeDay is the day a fee is booked: its payment day, else its start.
func FeeDay(f *store.MembershipFee) date.Date {
	if !f.PaymentDate.IsZero() {
		return f.PaymentDate
	}
	return f.StartDate
}

// Fee books a membership fee of member m: debit bank or cash, credit
// membership fees, dated its payment day. p is the payment it came from
// (bank import), nil when typed on the member page. A free fee books
// nothing but is still refused in a closed period.
func (b *Books) Fee(ctx context.Context, tx *store.Store, f *store.MembershipFee, m *store.Member, p *store.Payment) error {
	return b.fee(ctx, tx, f, m, p, false)
}

// FeeReversal books the reversal of a deleted fee, dated as the fee was
// (its period must still be open): the fee's entry keeps its number and
// the period's total no longer counts it.
func (b *Books) FeeReversal(ctx context.Context, tx *store.Store, f *store.MembershipFee, m *store.Member) error {
	return b.fee(ctx, tx, f, m, nil, true)
}

func (b *Books) fee(ctx context.Context, tx *store.Store, f *store.MembershipFee, m *store.Member, p *store.Payment, reverse bool) error {
	day := FeeDay(f)
	if f.Amount == 0 {
		return CheckOpen(ctx, tx, day)
	}
	if reverse {
		// Only a fee that was booked is reversed (a free one was not).
		has, err := tx.HasJournalEntry(ctx, SourceFee, f.ID)
		if err != nil || !has {
			if err == nil {
				err = CheckOpen(ctx, tx, day)
			}
			return err
		}
	}
	a, l := b.Cfg.Accounting, b.locale()
	method := f.PaymentMethod // "cash" is the only one that is not the bank
	ref := f.Reference
	if p != nil {
		method = p.Method
		ref = paymentRef(p)
	}
	j, jl, acc, accl := b.treasury(method)
	id := "ledger.label.fee"
	kind := SourceFee
	if reverse {
		id, kind = "ledger.label.fee_reversal", SourceFeeReversal
	}
	if ref == "" {
		ref = fmt.Sprintf("F%d", f.ID)
	}
	label := f.Reference
	if p != nil && p.Label != "" {
		label = p.Label
	}
	e := &store.JournalEntry{Journal: j, JournalLabel: jl, Date: day, PieceRef: ref, SourceKind: kind, SourceID: f.ID,
		DocKind: kind, MemberLogin: m.Login, MemberName: m.DisplayName(), Method: method,
		Label: strings.TrimSpace(l.Tf(id, map[string]any{"Name": m.DisplayName(), "Label": label}))}
	if !reverse && !f.CreatedAt.IsZero() {
		e.ValidDate = date.Of(f.CreatedAt.In(b.Cfg.Location()))
	}
	bank := &store.JournalLine{Account: acc, AccountLabel: accl, DebitCents: f.Amount}
	income := &store.JournalLine{Account: a.AccountMembershipFees, AccountLabel: l.T("ledger.account.fees"), CreditCents: f.Amount}
	if reverse {
		bank.DebitCents, bank.CreditCents = 0, f.Amount
		income.CreditCents, income.DebitCents = 0, f.Amount
	}
	e.Lines = []*store.JournalLine{bank, income}
	return b.post(ctx, tx, e)
}
