package ispdb_test

import (
	"context"
	"testing"
	"time"

	"coin/demo"
	"coin/ispdb"
	"coin/store"
	"coin/store/storetest"
)

func TestPublishTracksChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		schema, _ := ispdb.NewSchema()
		svc := ispdb.NewService(s, schema, time.UTC, nil, nil)
		if _, err := svc.Publish(ctx); err != ispdb.ErrNotReady {
			t.Fatalf("no record: %v", err)
		}
		if id := svc.Identity(ctx); id.Name != ispdb.DefaultName {
			t.Fatalf("identity without record: %+v", id)
		}
		r := demo.ISPRecord()
		if err := svc.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
		// Saving through the service refreshes the cached identity at once.
		if id := svc.Identity(ctx); id.Name != "Traboule" || id.IBANFormatted() != "FR76 4255 9100 0008 0123 4567 812" {
			t.Fatalf("identity after save: %+v", id)
		}
		p1, err := svc.Publish(ctx)
		if err != nil || schema.Validate(p1.Body) != nil {
			t.Fatalf("publish: %v", err)
		}
		p2, _ := svc.Publish(ctx)
		if p2.ETag != p1.ETag || !p2.LastModified.Equal(p1.LastModified) {
			t.Fatal("the same document changed its validators")
		}
		r.Phone = "+33 9 99 99 99 99" // not in the document: same ETag
		svc.Save(ctx, r)
		if p, _ := svc.Publish(ctx); p.ETag != p1.ETag {
			t.Fatal("a field outside the document changed the ETag")
		}
		r.Description = "Autre description"
		svc.Save(ctx, r)
		p3, _ := svc.Publish(ctx)
		if p3.ETag == p1.ETag || !p3.LastModified.After(p1.LastModified) {
			t.Fatalf("changed document: %s %s → %s %s", p1.ETag, p1.LastModified, p3.ETag, p3.LastModified)
		}
	})
}

// BenchmarkPublish measures building /isp.json (two counts, encoding,
// hashing) for the demo record, against a bare database round trip.
func BenchmarkPublish(b *testing.B) {
	s := storetest.SQLite(b)
	ctx := context.Background()
	if err := demo.Load(ctx, s, time.UTC); err != nil {
		b.Fatal(err)
	}
	schema, _ := ispdb.NewSchema()
	svc := ispdb.NewService(s, schema, time.UTC, nil, nil)
	b.Run("baseline-ping", func(b *testing.B) {
		for b.Loop() {
			if err := s.Ping(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("publish", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Publish(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("schema-validate", func(b *testing.B) {
		p, _ := svc.Publish(ctx)
		for b.Loop() {
			if err := schema.Validate(p.Body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
