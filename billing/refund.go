package billing

import (
	"context"
	"errors"
	"fmt"

	"coin/date"
	"coin/ledger"
	"coin/model"
	"coin/store"
)

// ReversePaymentTx reverses payment id, in the caller's transaction tx:
// the money went back to the member (a card payment refunded). Its
// allocations are removed, which reopens the invoices it paid, and the
// payment itself is removed; the accounting log keeps the payment, its
// allocations and their removal (payment.reversed, a negative amount). A
// payment that paid a membership fee is refused (ErrPaysFee): the fee is
// the treasurer's to delete.
func (s *Service) ReversePaymentTx(ctx context.Context, tx *store.Store, id int64, reason, actor string) error {
	p, err := tx.PaymentByID(ctx, id)
	if err != nil {
		return err
	}
	return s.reversePaymentTx(ctx, tx, p, date.Today(s.Cfg.Location()), reason, actor, false)
}

// ReturnedDebitTx reverses the payment of a direct debit the debtor's
// bank sent back, booked as a returned debit on day, the day the bank
// took the money back (refused in a closed period).
func (s *Service) ReturnedDebitTx(ctx context.Context, tx *store.Store, id int64, day date.Date, reason, actor string) error {
	p, err := tx.PaymentByID(ctx, id)
	if err != nil {
		return err
	}
	if err := ledger.CheckOpen(ctx, tx, day); err != nil {
		return err
	}
	return s.reversePaymentTx(ctx, tx, p, day, reason, actor, true)
}

// ErrImported is returned when deleting a payment a bank statement
// recorded: the statement line stays, so the payment must too.
var ErrImported = errors.New("this payment came from a bank statement")

// ErrCardPayment is returned when deleting a card payment: it is undone
// by refunding it through the card processor, whose notice reverses it.
var ErrCardPayment = errors.New("a card payment is undone by refunding it")

// DeletePayment undoes a payment recorded by mistake, while its period is
// open: its allocations go (the invoices reopen), the payment goes, and
// the ledger gets a reversal dated as the payment was, so the period's
// figures no longer count it; the accounting log keeps all of it. A
// payment from a bank statement or paying a fee is refused.
func (s *Service) DeletePayment(ctx context.Context, id int64, actor string) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		p, err := tx.PaymentByID(ctx, id)
		if err != nil {
			return err
		}
		if imported, err := tx.PaymentFromBankLine(ctx, id); err != nil || imported {
			if err == nil {
				err = ErrImported
			}
			return err
		}
		if p.Method == model.PayCard {
			return ErrCardPayment
		}
		if err := ledger.CheckOpen(ctx, tx, p.Date); err != nil {
			return err
		}
		return s.reversePaymentTx(ctx, tx, p, p.Date, "deleted", actor, false)
	})
	if err != nil {
		return fmt.Errorf("delete payment %d: %w", id, err)
	}
	return nil
}

func (s *Service) reversePaymentTx(ctx context.Context, tx *store.Store, p *store.Payment, day date.Date, reason, actor string, returned bool) error {
	id := p.ID
	paysFee, err := tx.PaymentPaysFee(ctx, id)
	if err != nil {
		return err
	}
	if paysFee {
		return fmt.Errorf("reverse payment %d: %w", id, ErrPaysFee)
	}
	old, err := tx.DeletePaymentAllocations(ctx, id)
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
	// The money going back is a new entry, dated today; the payment's entry
	// keeps its number.
	booked, err := tx.HasJournalEntry(ctx, ledger.SourcePayment, p.ID)
	if err != nil {
		return err
	}
	if booked {
		m, err := tx.MemberByID(ctx, p.MemberID)
		if err != nil {
			return err
		}
		if err := s.Books().PaymentReversal(ctx, tx, p, m, day, returned); err != nil {
			return err
		}
	}
	if err := tx.DeletePayment(ctx, id); err != nil {
		return err
	}
	return tx.AppendLog(ctx, &store.LogEntry{Operation: "payment.reversed", MemberID: ptr(p.MemberID),
		PaymentID: ptr(p.ID), AmountCents: -p.AmountCents, Actor: actor,
		Details: p.Method + " " + p.Date.String() + " " + reason})
}
