package store_test

import (
	"context"
	"fmt"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// benchInventory fills a database with n members and n items, a quarter of
// the items lent: the size of a large associative ISP.
func benchInventory(b *testing.B, n int) *store.Store {
	b.Helper()
	s := storetest.SQLite(b)
	ctx := context.Background()
	ty := &store.ItemType{Name: "Routeur"}
	s.CreateItemType(ctx, ty)
	err := s.Tx(ctx, func(tx *store.Store) error {
		for i := 0; i < n; i++ {
			m := newMember(fmt.Sprintf("m%05d", i), "Prénom", fmt.Sprintf("Nom%05d", i))
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			it := &store.Item{Designation: fmt.Sprintf("Routeur %05d", i), TypeID: ty.ID,
				MAC: fmt.Sprintf("02:00:00:00:%02x:%02x", i/256, i%256), Serial: fmt.Sprintf("SN%05d", i)}
			if err := tx.CreateItem(ctx, it); err != nil {
				return err
			}
			if i%4 == 0 {
				if err := tx.LendItem(ctx, &store.Loan{ItemID: it.ID, MemberID: m.ID, StartDate: date.MustParse("2026-01-01")}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkInventoryPage measures one page of the inventory (50 items with
// their loans and a count) against the member list page of the foundation
// on the same data, the baseline: compare the ns/op of the two.
func BenchmarkInventoryPage(b *testing.B) {
	s := benchInventory(b, 3000)
	ctx := context.Background()
	b.Run("members-baseline", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ListMembers(ctx, store.MemberFilter{Limit: 50, Offset: 1000}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("inventory", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ListItems(ctx, store.ItemFilter{Limit: 50, Offset: 1000}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("inventory-available", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ListItems(ctx, store.ItemFilter{State: model.ItemAvailable, Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("export-all", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ListItems(ctx, store.ItemFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
