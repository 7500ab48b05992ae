package ledger

import (
	"context"
	"fmt"
	"strings"

	"coin/model"
	"coin/store"
)

// SourceOther is a donation, other income, expense or bank fee
// (store.OtherEntry).
const SourceOther = "other"

// Other books an entry that pays no member: money in (donation, other
// income) debits bank or cash and credits o.Account; money out (expense,
// bank fees) debits o.Account and credits bank or cash. Cash goes to the
// cash journal, anything else (cheque, transfer, direct debit) to the
// bank journal. It returns the entry written, numbered.
func (b *Books) Other(ctx context.Context, tx *store.Store, o *store.OtherEntry) (*store.JournalEntry, error) {
	e := b.other(o)
	if err := b.post(ctx, tx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// SourceOtherCancel is the counter-entry cancelling an other entry.
const SourceOtherCancel = "other_cancel"

// OtherCancel books the counter-entry of o: its lines with debit and
// credit swapped, dated as o was (refused when that period is closed), so
// the period's figures no longer count it. The entry itself stays.
func (b *Books) OtherCancel(ctx context.Context, tx *store.Store, o *store.OtherEntry) (*store.JournalEntry, error) {
	e := b.other(o)
	e.SourceKind = SourceOtherCancel
	e.Label = strings.Join(strings.Fields(b.locale().Tf("ledger.label.other_cancel",
		map[string]any{"Number": o.EntryNumber, "Label": e.Label})), " ")
	for _, l := range e.Lines {
		l.DebitCents, l.CreditCents = l.CreditCents, l.DebitCents
	}
	if err := b.post(ctx, tx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// other is the entry of o, not posted.
func (b *Books) other(o *store.OtherEntry) *store.JournalEntry {
	l := b.locale()
	method := o.Method
	if method != model.PayCash {
		method = "bank"
	}
	j, jl, acc, accl := b.treasury(method)
	ref := o.BankReference
	if ref == "" {
		ref = fmt.Sprintf("D%d", o.ID)
	}
	who := o.Counterparty
	if o.DonorMember != "" {
		who = o.DonorMember
	} else if o.DonorName != "" {
		who = o.DonorName
	}
	e := &store.JournalEntry{Journal: j, JournalLabel: jl, Date: o.Date, PieceRef: ref, SourceKind: SourceOther,
		SourceID: o.ID, DocKind: o.Kind, Method: o.Method,
		Label: strings.Join(strings.Fields(l.Tf("ledger.label.other."+o.Kind, map[string]any{"Label": o.Label, "Who": who})), " ")}
	treasury := &store.JournalLine{Account: acc, AccountLabel: accl}
	other := &store.JournalLine{Account: o.Account, AccountLabel: l.T("ledger.account.other." + o.Kind)}
	if store.OtherIsIncome(o.Kind) {
		treasury.DebitCents, other.CreditCents = o.AmountCents, o.AmountCents
		e.Lines = []*store.JournalLine{treasury, other}
	} else {
		other.DebitCents, treasury.CreditCents = o.AmountCents, o.AmountCents
		e.Lines = []*store.JournalLine{other, treasury}
	}
	return e
}
