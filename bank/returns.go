package bank

import (
	"context"
	"errors"
	"fmt"

	"coin/model"
	"coin/sepa"
	"coin/store"
)

// ByEndToEnd is how a return line was matched: the end-to-end id of one
// of our direct debits.
const ByEndToEnd = "end_to_end"

// Reasons a return line is left out, shown in the preview.
const (
	ReturnAmount       = "return_amount"        // not the amount collected
	ReturnBeforeCredit = "return_before_credit" // its collection's credit is not imported
	ReturnRepeated     = "return_repeated"      // the file sends the collection back twice
)

// matchReturn matches a line sending back a direct debit to the
// collection it names. A collection coin never asked for is left out
// (unmatched), as is a line whose amount is not the collection's (the
// bank's charge for the return is another line, to book as bank fees);
// one already returned is a duplicate.
func matchReturn(ctx context.Context, st *store.Store, il *store.BankImportLine, reject bool) error {
	d, err := st.DebitByEndToEnd(ctx, il.EndToEndID)
	if errors.Is(err, store.ErrNotFound) {
		il.Result = model.LineUnmatched
		return nil
	}
	if err != nil {
		return err
	}
	if d.ReturnedAt != nil {
		il.Result = model.LineDuplicate
		return nil
	}
	if il.AmountCents == 0 && reject { // a status report that does not repeat the amount
		il.AmountCents = -d.AmountCents
	}
	if il.AmountCents != -d.AmountCents {
		il.Result, il.Reason = model.LineUnmatched, ReturnAmount
		return nil
	}
	inv, err := st.InvoiceByID(ctx, d.InvoiceID)
	if err != nil {
		return err
	}
	il.Result, il.MemberID, il.Target, il.InvoiceID, il.Reason = model.LineMatched, &inv.MemberID, model.TargetReturn, &inv.ID, ByEndToEnd
	return nil
}

// checkReturns leaves out, once every line is matched, the returns a
// confirm could not record: the second line of a file sending the same
// collection back, and a camt.053 return whose collection was never
// credited (neither imported before nor in this file: import the
// statement that credits it first, or the invoice would be paid by it
// afterwards).
func checkReturns(ctx context.Context, st *store.Store, out []*store.BankImportLine, lines []Line) error {
	credited := map[int64]bool{} // invoices a credit line of the file pays
	for _, il := range out {
		if il.Result == model.LineMatched && il.Target == model.TargetInvoice && il.InvoiceID != nil && il.AmountCents > 0 {
			credited[*il.InvoiceID] = true
		}
	}
	seen := map[string]bool{}
	for i, il := range out {
		if il.Target != model.TargetReturn {
			continue
		}
		if seen[il.EndToEndID] {
			il.Result, il.MemberID, il.Target, il.InvoiceID, il.Reason = model.LineUnmatched, nil, "", nil, ReturnRepeated
			continue
		}
		seen[il.EndToEndID] = true
		if lines[i].Reject || credited[*il.InvoiceID] {
			continue
		}
		p, _, err := st.DebitPaymentOf(ctx, *il.InvoiceID)
		if err != nil {
			return err
		}
		if p == nil {
			il.Result, il.MemberID, il.Target, il.InvoiceID, il.Reason = model.LineUnmatched, nil, "", nil, ReturnBeforeCredit
		}
	}
	return nil
}

// importReturn records a return line: the collection comes back through
// sepa (payment reversed, mandate counted, fee, e-mail), and the line is
// kept so that it is never imported twice.
func (s *Service) importReturn(ctx context.Context, tx *store.Store, imp *store.BankImport, l *store.BankImportLine, by Actor, sum *Summary) error {
	if s.SEPA == nil {
		return errors.New("a returned direct debit needs the SEPA service")
	}
	kind := model.DebitReturned
	if imp.Format == FormatPain002 {
		kind = model.DebitRejected
	}
	_, err := s.SEPA.ReturnTx(ctx, tx, sepa.Return{EndToEndID: l.EndToEndID, Kind: kind, Code: l.ReturnCode,
		Date: l.Date, Actor: by.Name})
	if errors.Is(err, store.ErrConflict) { // another import recorded it meanwhile
		sum.Duplicates++
		return nil
	}
	if err != nil {
		return fmt.Errorf("direct debit %s came back: %w", l.EndToEndID, err)
	}
	sum.Returns++
	return tx.RecordBankLine(ctx, &store.BankLine{BankReference: l.BankReference, Hash: l.Hash, Date: l.Date,
		AmountCents: l.AmountCents, Label: l.Label, ImportID: &imp.ID})
}

// fixReturn puts a return line left out back to the collection it names;
// nothing else can be made of money sent back.
func (s *Service) fixReturn(ctx context.Context, tx *store.Store, l *store.BankImportLine, f Fix, line **store.BankImportLine) error {
	if f.Target != model.TargetReturn || l.ReturnCode == "" {
		return fmt.Errorf("line %d sends back a direct debit: %w", l.Position, ErrBadFix)
	}
	imp, err := tx.BankImportByID(ctx, l.ImportID)
	if err != nil {
		return err
	}
	if err := matchReturn(ctx, tx, l, imp.Format == FormatPain002); err != nil {
		return err
	}
	if l.Result != model.LineMatched {
		return fmt.Errorf("line %d: no collection %s to send back: %w", l.Position, l.EndToEndID, ErrBadFix)
	}
	if err := tx.UpdateBankImportLine(ctx, l); err != nil {
		return err
	}
	*line, err = tx.BankImportLine(ctx, l.ImportID, l.Position)
	return err
}
