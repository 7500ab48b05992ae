package billing

import (
	"context"
	"fmt"

	"coin/date"
	"coin/ledger"
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
		if err := s.Books().PaymentReversal(ctx, tx, p, m, date.Today(s.Cfg.Location())); err != nil {
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
