package store_test

import (
	"context"
	"testing"

	"coin/model"
	"coin/store"
	"coin/store/sqlcount"
	"coin/store/storetest"
)

// Every statement run with a counting context is counted, in and out of a
// transaction (whose statements are prepared), on both databases; others
// are not.
func TestStatementsCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, c := sqlcount.With(context.Background())
		if _, err := s.CountMembers(ctx, model.StatusMember); err != nil {
			t.Fatal(err)
		}
		if c.N() != 1 {
			t.Fatalf("one query counted %d", c.N())
		}
		err := s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.CreateMember(ctx, newMember("zoe", "Zoé", "X")); err != nil {
				return err
			}
			_, err := tx.CountMembers(ctx, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.N() < 3 {
			t.Fatalf("a transaction of an insert and a count: %d statements in all", c.N())
		}
		before := c.N()
		if _, err := s.CountMembers(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
		if c.N() != before {
			t.Fatal("a query of another context was counted")
		}
	})
}
