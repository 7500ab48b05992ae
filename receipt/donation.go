package receipt

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"coin/date"
	"coin/receiptpdf"
	"coin/store"
)

// ErrNoDonor is returned for an entry that is not a donation naming its
// donor: there is nobody to give a tax receipt to.
var ErrNoDonor = errors.New("this entry is not a donation with a donor")

// ErrCancelledEntry is a tax receipt asked for a cancelled donation.
var ErrCancelledEntry = errors.New("this donation was cancelled")

// ForDonation returns the tax receipt (cerfa 11580) of a donation with a
// donor, a member or a name and address, issuing it the first time: it is
// numbered in the sequence of the fees' tax receipts (RD-YEAR-NNNN) and
// stored with the entry.
func (s *Service) ForDonation(ctx context.Context, entryID int64) (*store.OtherEntry, []byte, error) {
	if !s.Cfg.Receipts.TaxReceipts {
		return nil, nil, ErrNoTaxReceipts
	}
	o, err := s.Store.OtherEntryByID(ctx, entryID)
	if err != nil {
		return nil, nil, err
	}
	if !o.HasDonor() {
		return nil, nil, ErrNoDonor
	}
	if o.CancelledAt != nil && o.ReceiptNumber == "" {
		return nil, nil, ErrCancelledEntry
	}
	if o.ReceiptNumber != "" {
		pdf, err := s.Store.OtherReceiptPDF(ctx, o.ID)
		return o, pdf, err
	}
	var pdf []byte
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		payer := donorLines(o)
		if o.DonorMemberID != nil {
			m, err := tx.MemberByID(ctx, *o.DonorMemberID)
			if err != nil {
				return err
			}
			payer = payerLines(m)
		}
		today := date.Today(s.Cfg.Location())
		seq := sequences[KindTax]
		n, err := tx.ReserveNumbers(ctx, seq.name, today.Year(), today, 1)
		if err != nil {
			return err
		}
		number := fmt.Sprintf("%s-%d-%04d", seq.prefix, today.Year(), n)
		r := &store.Receipt{Kind: KindTax, AmountCents: o.AmountCents, IssuedOn: today, Number: number}
		if pdf, err = receiptpdf.Render(s.taxDocument(ctx, number, r, payer, o.Date, o.Method)); err != nil {
			return err
		}
		if err := tx.SetOtherReceipt(ctx, o.ID, number, today, pdf); err != nil {
			return err
		}
		o.ReceiptNumber, o.ReceiptIssued = number, today
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "other.tax_receipt", MemberID: o.DonorMemberID,
			AmountCents: o.AmountCents, Actor: "coin", Details: fmt.Sprintf("%s donation %d", number, o.ID)})
	})
	if errors.Is(err, store.ErrConflict) {
		return s.ForDonation(ctx, entryID)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tax receipt of donation %d: %w", entryID, err)
	}
	return o, pdf, nil
}

func donorLines(o *store.OtherEntry) []string {
	out := []string{o.DonorName}
	for _, l := range strings.Split(o.DonorAddress, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
