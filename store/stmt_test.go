package store_test

import (
	"context"
	"testing"
	"time"

	"coin/store"
	"coin/store/storetest"
)

// A transaction holding the only connection still runs statements it has
// not seen before: sharing them must not wait for a second connection.
func TestTransactionOnTheLastConnection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.DB().SetMaxOpenConns(1)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for range 3 {
			err := s.Tx(ctx, func(tx *store.Store) error {
				_, err := tx.CountMembers(ctx, "")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}
