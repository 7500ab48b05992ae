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

// matchReturn matches a line sending back a direct debit to the
// collection it names. A collection coin never asked for is left out
// (unmatched); one already returned is a duplicate.
func matchReturn(ctx context.Context, st *store.Store, il *store.BankImportLine) error {
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
	inv, err := st.InvoiceByID(ctx, d.InvoiceID)
	if err != nil {
		return err
	}
	if il.AmountCents == 0 { // a status report that does not repeat the amount
		il.AmountCents = -d.AmountCents
	}
	il.Result, il.MemberID, il.Target, il.InvoiceID, il.Reason = model.LineMatched, &inv.MemberID, model.TargetReturn, &inv.ID, ByEndToEnd
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
	if _, err := s.SEPA.ReturnTx(ctx, tx, sepa.Return{EndToEndID: l.EndToEndID, Kind: kind, Code: l.ReturnCode,
		Date: l.Date, Actor: by.Name}); err != nil {
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
	if err := matchReturn(ctx, tx, l); err != nil {
		return err
	}
	if l.Result != model.LineMatched {
		return fmt.Errorf("line %d: no collection %s to send back: %w", l.Position, l.EndToEndID, ErrBadFix)
	}
	if err := tx.UpdateBankImportLine(ctx, l); err != nil {
		return err
	}
	var err error
	*line, err = tx.BankImportLine(ctx, l.ImportID, l.Position)
	return err
}
