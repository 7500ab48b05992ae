package demo

import (
	"context"
	"fmt"

	"coin/billing"
	"coin/date"
	"coin/model"
	"coin/store"
)

// LoadBilling gives the demo three months of invoices: older periods count
// as invoiced elsewhere; most members paid all but their latest invoice,
// the demo account "member" paid only the first.
func LoadBilling(ctx context.Context, s *store.Store, b *billing.Service, today date.Date) error {
	start := today.FirstOfMonth().AddMonths(-2)
	if _, err := b.MarkBilledBefore(ctx, start); err != nil {
		return fmt.Errorf("demo billing history: %w", err)
	}
	for _, day := range []date.Date{start, start.AddMonths(1), today} {
		if _, err := b.Charge(ctx, day, false, nil); err != nil {
			return fmt.Errorf("demo charge on %s: %w", day, err)
		}
	}
	invs, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: model.InvoiceValidated})
	if err != nil {
		return err
	}
	byMember := map[int64][]*store.Invoice{}
	for _, inv := range invs {
		byMember[inv.MemberID] = append(byMember[inv.MemberID], inv)
	}
	me, err := s.MemberByLogin(ctx, "member")
	if err != nil {
		return err
	}
	for id, list := range byMember {
		// Newest first: pay all but the newest, or only the oldest for "member".
		toPay := list[1:]
		if id == me.ID {
			toPay = list[len(list)-1:]
		} else if id%4 == 0 {
			continue // a few members are late
		}
		// Oldest first, as payments are allocated: each one settles the
		// invoice its label names.
		for i := len(toPay) - 1; i >= 0; i-- {
			inv := toPay[i]
			p := &store.Payment{MemberID: id, Method: []string{"transfer", "transfer", "cheque", "cash"}[id%4],
				Date: inv.IssueDate.AddDays(int(id%12) + 2), AmountCents: inv.TotalCents}
			switch p.Method {
			case "transfer":
				p.Label = "VIR " + inv.Number
			case "cheque":
				p.Label = fmt.Sprintf("CHQ %07d", 1200000+inv.ID)
			default:
				p.Label = "Espèces, facture " + inv.Number
			}
			if p.Date.After(today) {
				p.Date = today
			}
			if _, err := b.RecordPayment(ctx, p, "demo"); err != nil {
				return err
			}
		}
	}
	return s.Tx(ctx, func(tx *store.Store) error { return loadMandates(ctx, tx, today) })
}
