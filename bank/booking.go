package bank

import (
	"context"
	"errors"
	"fmt"

	"coin/entries"
	"coin/model"
	"coin/store"
)

// ErrBadBooking is a booking that does not fit the line: a credit is a
// donation or other income, a debit bank fees or an expense.
var ErrBadBooking = errors.New("this line cannot be booked so")

func (s *Service) entries() *entries.Service {
	e := &entries.Service{Store: s.Store, Cfg: s.Cfg}
	if s.Billing != nil {
		e.Catalog = s.Billing.Catalog
	}
	return e
}

// BookLine books a line of a pending import to an account instead of a
// member (b.Kind "" removes the booking): a credit as a donation or other
// income, a debit as bank fees or an expense. A credit matched to a member
// is unmatched. Confirming writes the entry (see Confirm). Input errors
// are *entries.FieldError.
func (s *Service) BookLine(ctx context.Context, importID int64, position int, b store.BankBooking) (*store.BankImportLine, error) {
	var line *store.BankImportLine
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		imp, err := s.pending(ctx, tx, importID)
		if err != nil {
			return err
		}
		l, err := tx.BankImportLine(ctx, importID, position)
		if err != nil {
			return err
		}
		line = l
		// A reject moved no money; a matched return is the collection
		// coming back, to record as such.
		if imp.Format == FormatPain002 || l.Target == model.TargetReturn {
			return fmt.Errorf("line %d sends back a direct debit: %w", position, ErrBadBooking)
		}
		seen, err := tx.ImportedBankKeys(ctx, nonEmpty(l.BankReference), []string{l.Hash})
		if err != nil {
			return err
		}
		if l.Result == model.LineDuplicate || seen[l.Hash] || seen[l.BankReference] {
			return fmt.Errorf("line %d was imported before: %w", position, ErrBadBooking)
		}
		if b.Kind == "" {
			return tx.DeleteBankBooking(ctx, importID, position)
		}
		if store.OtherIsIncome(b.Kind) != (l.AmountCents > 0) {
			return fmt.Errorf("line %d as %s: %w", position, b.Kind, ErrBadBooking)
		}
		o := bookingEntry(l, &b)
		if err := entries.Validate(s.Cfg, o); err != nil {
			return err
		}
		if o.DonorMemberID != nil {
			if _, err := tx.MemberByID(ctx, *o.DonorMemberID); err != nil {
				return &entries.FieldError{Field: "donor_member", MessageID: "entries.err.donor_member"}
			}
		}
		b.ImportID, b.Position, b.Account, b.Label, b.Counterparty = importID, position, o.Account, o.Label, o.Counterparty
		b.DonorMemberID, b.DonorName, b.DonorAddress = o.DonorMemberID, o.DonorName, o.DonorAddress
		if l.Result == model.LineMatched || l.Result == model.LineAmbiguous {
			l.Result, l.MemberID, l.Target, l.InvoiceID, l.Reason = model.LineUnmatched, nil, "", nil, ByHand
			if err := tx.UpdateBankImportLine(ctx, l); err != nil {
				return err
			}
		}
		if err := tx.SetBankBooking(ctx, &b); err != nil {
			return err
		}
		line, err = tx.BankImportLine(ctx, importID, position)
		return err
	})
	if err != nil {
		return nil, err
	}
	line.Booking, err = s.booking(ctx, importID, position)
	return line, err
}

func (s *Service) booking(ctx context.Context, importID int64, position int) (*store.BankBooking, error) {
	bs, err := s.Store.BankBookings(ctx, importID)
	return bs[position], err
}

// bookingEntry is the entry a booked line becomes.
func bookingEntry(l *store.BankImportLine, b *store.BankBooking) *store.OtherEntry {
	amount := l.AmountCents
	if amount < 0 {
		amount = -amount
	}
	o := &store.OtherEntry{Kind: b.Kind, Method: l.Method, Date: l.Date, AmountCents: amount, Account: b.Account,
		Label: b.Label, Counterparty: b.Counterparty, DonorMemberID: b.DonorMemberID, DonorName: b.DonorName,
		DonorAddress: b.DonorAddress, BankReference: l.BankReference}
	if o.Method == "" {
		o.Method = MethodTransfer
	}
	// What the bank wrote is cut to what an entry holds: the treasurer
	// never typed it, so it must not be refused as too long.
	if o.Label == "" {
		o.Label = cutRunes(l.Label, entries.MaxText)
	}
	if o.Counterparty == "" {
		o.Counterparty = cutRunes(l.Counterparty, entries.MaxText)
	}
	return o
}

// bookLine writes the entry of a booked line in the confirm transaction
// and records the line with its journal entry.
func (s *Service) bookLine(ctx context.Context, tx *store.Store, importID int64, l *store.BankImportLine, b *store.BankBooking, by Actor, sum *Summary) error {
	o := bookingEntry(l, b)
	o.ImportID, o.CreatedBy = &importID, by.ID
	e, err := s.entries().RecordTx(ctx, tx, o, by.Name)
	if err != nil {
		return err
	}
	sum.Booked++
	return tx.RecordBankLine(ctx, &store.BankLine{BankReference: l.BankReference, Hash: l.Hash, Date: l.Date,
		AmountCents: l.AmountCents, Label: l.Label, ImportID: &importID, JournalEntryID: &e.ID})
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
