package entries

import (
	"context"
	"errors"
	"fmt"

	"coin/money"
	"coin/store"
)

// Why an entry cannot be cancelled.
var (
	ErrCancelled = errors.New("this entry is cancelled already")
	// ErrReceiptIssued: the donor holds a tax receipt for it; the receipt
	// stays valid, so the entry must too.
	ErrReceiptIssued = errors.New("a tax receipt was issued for this donation")
	// ErrFromStatement: the money did move on the bank account; the line
	// stays booked.
	ErrFromStatement = errors.New("this entry books a bank statement line")
)

// Cancel undoes an entry typed by mistake (cash, cheque): a counter-entry
// dated as the entry was, refused when its period is closed
// (*ledger.ClosedError), in one transaction with the audit and accounting
// log lines. The entry and its number stay, marked cancelled.
func (s *Service) Cancel(ctx context.Context, id int64, actor string) (*store.JournalEntry, error) {
	var e *store.JournalEntry
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		o, err := tx.OtherEntryByID(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case o.CancelledAt != nil:
			return ErrCancelled
		case o.ReceiptNumber != "":
			return ErrReceiptIssued
		case o.ImportID != nil || o.BankReference != "":
			return ErrFromStatement
		}
		if e, err = s.Books().OtherCancel(ctx, tx, o); err != nil {
			return err
		}
		if err := tx.CancelOtherEntry(ctx, o, e.ID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, &store.AuditEntry{Action: "other_entry.cancelled", RecordType: "other_entry", RecordID: &o.ID,
			MemberID: o.DonorMemberID, Changes: []store.Change{{Field: "entry", Old: o.EntryNumber, New: e.Number}}}); err != nil {
			return err
		}
		amount := -o.AmountCents
		if !store.OtherIsIncome(o.Kind) {
			amount = o.AmountCents
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "other.cancelled", MemberID: o.DonorMemberID,
			AmountCents: amount, Actor: actor, Details: fmt.Sprintf("%s cancels %s %s %s", e.Number, o.EntryNumber, o.Kind, money.Plain(o.AmountCents))})
	})
	if err != nil {
		return nil, fmt.Errorf("cancel entry %d: %w", id, err)
	}
	return e, nil
}
