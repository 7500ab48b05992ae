package sepa

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"coin/billing"
	"coin/date"
	"coin/i18n"
	"coin/mail"
	"coin/model"
	"coin/store"
)

// Return is a direct debit the debtor's bank sent back after settlement
// (a camt.053 return entry) or refused before it (a pain.002 reject).
type Return struct {
	EndToEndID string
	Kind       string // model.DebitReturned or model.DebitRejected
	Code       string // ISO 20022 reason code: AM04, MD06, MS02…
	Date       date.Date
	Actor      string
}

// Returned says what recording a return did.
type Returned struct {
	Invoice    *store.Invoice
	Reversed   bool   // the payment the collection made was reversed
	Suspended  bool   // the mandate's second return in a row: suspended
	FeeInvoice string // the number of the fee invoiced, "" when none
}

// ErrSharedPayment is a collection booked as one payment with others (the
// batch credited as one line): reversing it would undo the others too.
var ErrSharedPayment = errors.New("the collection was recorded in one payment with other invoices: reverse it by hand, then import the return again")

// ErrNotCredited is a camt.053 return of a collection whose credit was
// never imported: import the statement that credits it first.
var ErrNotCredited = errors.New("the credit of this direct debit is not imported yet: import the statement that credits it first")

// ReturnsInARow is how many files in a row with a returned collection
// suspend a mandate.
const ReturnsInARow = 2

// ReturnTx records a returned or rejected direct debit in the caller's
// transaction: the collection is marked (once: store.ErrConflict after),
// the payment it made is reversed, which reopens the invoice and books the
// reversal on the return's day; a second return in a row suspends the
// mandate; the fee of [sepa] return_fee is invoiced; the member is told.
func (s *Service) ReturnTx(ctx context.Context, tx *store.Store, r Return) (*Returned, error) {
	d, err := tx.DebitByEndToEnd(ctx, r.EndToEndID)
	if err != nil {
		return nil, err
	}
	p, allocated, err := tx.DebitPaymentOf(ctx, d.InvoiceID)
	if err != nil {
		return nil, err
	}
	if p == nil && r.Kind == model.DebitReturned {
		return nil, ErrNotCredited
	}
	if err := tx.MarkDebitReturned(ctx, d.ID, r.Kind, r.Code); err != nil {
		return nil, err
	}
	inv, err := tx.InvoiceByID(ctx, d.InvoiceID)
	if err != nil {
		return nil, err
	}
	m, err := tx.MemberByID(ctx, inv.MemberID)
	if err != nil {
		return nil, err
	}
	out := &Returned{Invoice: inv}
	if out.Reversed, err = s.reverseCollection(ctx, tx, d, p, allocated, r); err != nil {
		return nil, err
	}
	if out.Suspended, err = s.countReturn(ctx, tx, d.MandateID, r.Code); err != nil {
		return nil, err
	}
	if out.FeeInvoice, err = s.returnFee(ctx, tx, m, inv, r); err != nil {
		return nil, err
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "debit." + r.Kind, MemberID: &m.ID, InvoiceID: &inv.ID,
		AmountCents: -d.AmountCents, Actor: r.Actor, Details: d.EndToEndID + " " + r.Code}); err != nil {
		return nil, err
	}
	if out.Invoice, err = tx.InvoiceByID(ctx, d.InvoiceID); err != nil {
		return nil, err
	}
	if err := s.tellReturn(ctx, tx, m, out, d, r); err != nil {
		return nil, err
	}
	tx.AfterCommit(func() {
		s.Log.Info("direct debit came back", "kind", r.Kind, "code", r.Code, "invoice", inv.Number,
			"member", m.ID, "reversed", out.Reversed, "mandate_suspended", out.Suspended)
	})
	return out, nil
}

// reverseCollection reverses the payment that recorded the collection,
// when there is one (a reject before settlement usually has none).
func (s *Service) reverseCollection(ctx context.Context, tx *store.Store, d *store.Debit, p *store.Payment, allocated int64, r Return) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.AmountCents != allocated || allocated != d.AmountCents {
		return false, fmt.Errorf("payment %d of %d cents: %w", p.ID, p.AmountCents, ErrSharedPayment)
	}
	if s.Billing == nil {
		return false, errors.New("recording a returned direct debit needs the billing service")
	}
	// The credit line stays in the bank's history, unlinked: it must not
	// be imported again, and the payment it made goes.
	if err := tx.DetachBankLinePayment(ctx, p.ID); err != nil {
		return false, err
	}
	return true, s.Billing.ReturnedDebitTx(ctx, tx, p.ID, r.Date, r.Kind+" "+r.Code, r.Actor)
}

// finalCodes are the reasons after which collecting again on the mandate
// is pointless or refused: wrong or closed account, no mandate, the
// debtor's refusal or death. One suspends the mandate at once.
var finalCodes = map[string]bool{"AC01": true, "AC04": true, "AC06": true, "AC13": true, "AG01": true, "BE05": true,
	"MD01": true, "MD02": true, "MD06": true, "MD07": true, "MS02": true, "RC01": true, "SL01": true}

// countReturn suspends the mandate when its last files since it was last
// resumed all had a return, or the reason is final.
func (s *Service) countReturn(ctx context.Context, tx *store.Store, mandateID int64, code string) (bool, error) {
	if !finalCodes[code] {
		last, err := tx.LastFilesReturned(ctx, mandateID, ReturnsInARow)
		if err != nil || len(last) < ReturnsInARow {
			return false, err
		}
		for _, returned := range last {
			if !returned {
				return false, nil
			}
		}
	}
	return true, tx.SuspendMandate(ctx, mandateID)
}

// returnFee invoices [sepa] return_fee, dated today: invoice numbers
// follow the days they are issued.
func (s *Service) returnFee(ctx context.Context, tx *store.Store, m *store.Member, inv *store.Invoice, r Return) (string, error) {
	fee := s.Cfg.SEPA.ReturnFeeCents()
	if fee == 0 || s.Billing == nil || s.Catalog == nil {
		return "", nil
	}
	l := s.locale(m)
	label := l.Tf("sepa.return.fee_label", map[string]any{"Number": inv.Number, "Code": r.Code})
	feeInv, err := s.Billing.IssueTx(ctx, tx, m, []billing.LineInput{{Label: label, Quantity: 1, UnitPriceCents: fee}},
		date.Today(s.Cfg.Location()), r.Actor)
	if err != nil {
		return "", fmt.Errorf("invoice the return fee: %w", err)
	}
	return feeInv.Number, nil
}

// tellReturn queues the e-mail telling the member the debit came back,
// why, and how to pay now.
func (s *Service) tellReturn(ctx context.Context, tx *store.Store, m *store.Member, out *Returned, d *store.Debit, r Return) error {
	if s.Mail == nil || s.Catalog == nil || m.Email == "" {
		return nil
	}
	l := s.locale(m)
	inv := out.Invoice
	data := map[string]any{"Member": mail.MemberOf(m), "Number": inv.Number, "Amount": l.Money(d.AmountCents),
		"Remaining": l.Money(inv.Remaining()), "Date": l.Date(d.CollectionDate), "Code": r.Code,
		"Reason": ReasonText(l.T, r.Code), "Rejected": r.Kind == model.DebitRejected, "Suspended": out.Suspended,
		"FeeInvoice": out.FeeInvoice, "Fee": l.Money(s.Cfg.SEPA.ReturnFeeCents()), "Mandate": "",
		"Link": s.Cfg.AbsoluteURL("/invoices/" + strconv.FormatInt(inv.ID, 10))}
	if s.Site != nil {
		site := s.Site(ctx)
		data["Site"], data["IBAN"], data["BIC"] = site, site.IBAN, site.BIC
	}
	if ms, err := tx.MandatesOfMember(ctx, m.ID); err == nil {
		for _, md := range ms {
			if md.ID == d.MandateID {
				data["Mandate"] = md.Reference
			}
		}
	}
	msg, err := s.Mail.Compose("sepa_return", s.lang(m), m.Email, &m.ID, data)
	if err != nil {
		return err
	}
	return tx.QueueMessage(ctx, msg)
}

// ReasonText is the reason of an ISO 20022 return code in the reader's
// words, or the code itself when it is not one the EPC lists.
func ReasonText(t func(string) string, code string) string {
	id := "sepa.reason." + code
	if s := t(id); s != id && s != "" {
		return s
	}
	return code
}

func (s *Service) lang(m *store.Member) string {
	if m.Language != "" {
		return m.Language
	}
	return s.Cfg.Server.DefaultLanguage
}

func (s *Service) locale(m *store.Member) *i18n.Locale {
	return s.Catalog.Locale(s.lang(m), s.Cfg.Location(), s.Cfg.Billing.Currency)
}

// ResumeMandate lifts a suspension: the next file collects on it again.
func (s *Service) ResumeMandate(ctx context.Context, memberID, mandateID int64, actor string) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		d, err := tx.MandateByID(ctx, memberID, mandateID)
		if err != nil {
			return err
		}
		if d.SuspendedAt == nil {
			return nil
		}
		if err := tx.ResumeMandate(ctx, d.ID); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "mandate.resumed", MemberID: &memberID,
			Actor: actor, Details: d.Reference})
	})
	if err != nil {
		return fmt.Errorf("resume mandate %d: %w", mandateID, err)
	}
	return nil
}
