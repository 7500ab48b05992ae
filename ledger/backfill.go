package ledger

import (
	"context"
	"fmt"

	"coin/store"
)

// Backfill books, in date order and in one transaction, every validated
// invoice, payment and fee that has no entry yet (written before the
// ledger existed, or by the demo loader), and clears migration 0029's
// pending mark. It is idempotent: a booked source is never booked twice
// (the entries' unique source key), so running it again books nothing.
// Closed periods are not checked: what it books was recorded before.
func (b *Books) Backfill(ctx context.Context, st *store.Store) (int, error) {
	n := 0
	err := st.Tx(ctx, func(tx *store.Store) error {
		n = 0
		list, err := tx.UnbookedSources(ctx)
		if err != nil {
			return err
		}
		members := map[int64]*store.Member{}
		member := func(id int64) (*store.Member, error) {
			if m, ok := members[id]; ok {
				return m, nil
			}
			m, err := tx.MemberByID(ctx, id)
			members[id] = m
			return m, err
		}
		bb := &Books{Cfg: b.Cfg, Catalog: b.Catalog, backfill: true}
		for _, u := range list {
			m, err := member(u.MemberID)
			if err != nil {
				return err
			}
			switch u.Kind {
			case SourceInvoice:
				inv, err := tx.InvoiceByID(ctx, u.ID)
				if err != nil {
					return err
				}
				if err := bb.Invoice(ctx, tx, inv, m); err != nil {
					return fmt.Errorf("book %s %d: %w", u.Kind, u.ID, err)
				}
			case SourcePayment:
				p, err := tx.PaymentByID(ctx, u.ID)
				if err != nil {
					return err
				}
				if err := bb.Payment(ctx, tx, p, m); err != nil {
					return fmt.Errorf("book %s %d: %w", u.Kind, u.ID, err)
				}
			case SourceFee:
				f, err := tx.MembershipFeeByID(ctx, u.MemberID, u.ID)
				if err != nil {
					return err
				}
				var p *store.Payment
				if f.PaymentID != nil {
					if p, err = tx.PaymentByID(ctx, *f.PaymentID); err != nil {
						return err
					}
				}
				if err := bb.Fee(ctx, tx, f, m, p); err != nil {
					return fmt.Errorf("book %s %d: %w", u.Kind, u.ID, err)
				}
			}
			n++
		}
		return tx.LedgerBackfillDone(ctx)
	})
	if err != nil {
		return 0, fmt.Errorf("ledger backfill: %w", err)
	}
	return n, nil
}

// BackfillPending runs Backfill when migration 0029 asked for it.
func (b *Books) BackfillPending(ctx context.Context, st *store.Store) (int, error) {
	pending, err := st.LedgerBackfillPending(ctx)
	if err != nil || !pending {
		return 0, err
	}
	return b.Backfill(ctx, st)
}
