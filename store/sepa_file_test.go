package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

// A direct debit file is kept byte for byte, with who made it, and goes
// with the transaction that stores it.
func TestSEPAFilesAreKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMember("tresorier", "Trés", "Orier")
		if err := s.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		xml := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document>Rézo \x01\xff</Document>\n")
		first := &store.SEPAFile{MessageID: "COIN-20270301-093000", CreatedAt: time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC),
			CollectionDate: date.MustParse("2027-03-06"), TransactionCount: 3, TotalCents: 6050, XML: xml,
			CreatedBy: &m.ID, CreatedByName: m.Login}
		if err := s.CreateSEPAFile(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := &store.SEPAFile{MessageID: "COIN-20270401-093000", CreatedAt: time.Date(2027, 4, 1, 9, 30, 0, 0, time.UTC),
			CollectionDate: date.MustParse("2027-04-06"), TransactionCount: 1, TotalCents: 2000, XML: []byte("<x/>")}
		if err := s.CreateSEPAFile(ctx, second); err != nil {
			t.Fatal(err)
		}
		got, err := s.SEPAFileByID(ctx, first.ID)
		if err != nil || !bytes.Equal(got.XML, xml) || got.MessageID != first.MessageID || got.TransactionCount != 3 ||
			got.TotalCents != 6050 || got.CollectionDate != first.CollectionDate || !got.CreatedAt.Equal(first.CreatedAt) ||
			got.CreatedBy == nil || *got.CreatedBy != m.ID || got.CreatedByName != "tresorier" {
			t.Fatalf("by id: %+v %v", got, err)
		}
		if got, err := s.SEPAFileByMessageID(ctx, second.MessageID); err != nil || string(got.XML) != "<x/>" || got.CreatedBy != nil {
			t.Fatalf("by message id: %+v %v", got, err)
		}
		list, err := s.SEPAFiles(ctx, 10)
		if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID || list[0].XML != nil {
			t.Fatalf("list: %+v %v", list, err)
		}
		if _, err := s.SEPAFileByMessageID(ctx, "COIN-nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown file: %v", err)
		}
		// A message id names one file.
		again := *second
		if err := s.CreateSEPAFile(ctx, &again); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same message id: %v", err)
		}
		// Stored in a transaction that fails, the file is not kept.
		lost := &store.SEPAFile{MessageID: "COIN-20270501-093000", CreatedAt: time.Date(2027, 5, 1, 9, 30, 0, 0, time.UTC),
			CollectionDate: date.MustParse("2027-05-06"), TransactionCount: 1, TotalCents: 100, XML: []byte("<x/>")}
		boom := errors.New("boom")
		if err := s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.CreateSEPAFile(ctx, lost); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := s.SEPAFileByMessageID(ctx, lost.MessageID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("file of a rolled back transaction: %v", err)
		}
		// The member who made a file may leave: the file stays, with the login.
		if err := s.DeleteMember(ctx, m.ID); err != nil {
			t.Fatalf("delete member: %v", err)
		}
		if got, err := s.SEPAFileByID(ctx, first.ID); err != nil || got.CreatedBy != nil || got.CreatedByName != "tresorier" {
			t.Fatalf("after the member left: %+v %v", got, err)
		}
	})
}
