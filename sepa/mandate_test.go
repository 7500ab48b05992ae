package sepa_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"coin/model"
	"coin/sepa"
	"coin/store"
	"coin/store/storetest"
)

func TestSaveMandateOnCommitOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg := sepaConfig()
		m := member(t, s, "zoe", "Zoé", "Lune")
		in := sepa.MandateInput{Reference: "RUM-1", SignatureDate: "2026-01-02", IBAN: "FR76 3000 6000 0112 3456 7890 189",
			SequenceType: model.SeqFirst, Active: true}
		var buf bytes.Buffer
		rollback := errors.New("roll back")
		err := s.Tx(ctx, func(tx *store.Store) error {
			svc := &sepa.Service{Store: tx, Cfg: cfg, Log: slog.New(slog.NewTextHandler(&buf, nil))}
			if errs, err := svc.SaveMandate(ctx, &store.Mandate{MemberID: m.ID}, in, nil); err != nil || errs.Any() {
				t.Fatalf("save: %v %v", errs, err)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if ms, _ := s.MandatesOfMember(ctx, m.ID); len(ms) != 0 || buf.Len() != 0 {
			t.Fatalf("rolled back: %d mandates kept, logged %q", len(ms), buf.String())
		}
		svc := &sepa.Service{Store: s, Cfg: cfg, Log: slog.New(slog.NewTextHandler(&buf, nil))}
		d := &store.Mandate{MemberID: m.ID}
		if errs, _ := svc.SaveMandate(ctx, d, sepa.MandateInput{Reference: "RUM 1"}, nil); errs.Get("reference") == "" {
			t.Fatalf("bad form accepted: %v", errs)
		}
		if errs, err := svc.SaveMandate(ctx, d, in, nil); err != nil || errs.Any() || d.ID == 0 {
			t.Fatalf("save: %v %v", errs, err)
		}
		if !strings.Contains(buf.String(), "sepa mandate saved") {
			t.Fatalf("not logged: %q", buf.String())
		}
		in.Active = false
		if errs, err := svc.SaveMandate(ctx, d, in, nil); err != nil || errs.Any() {
			t.Fatalf("update: %v %v", errs, err)
		}
		if got, _ := s.MandateByID(ctx, m.ID, d.ID); got.Active {
			t.Fatal("update not saved")
		}
		if errs, err := svc.SaveMandate(ctx, &store.Mandate{MemberID: m.ID}, in, nil); err != nil || errs.Get("reference") != "sepa.err.taken" {
			t.Fatalf("reference taken: %v %v", errs, err)
		}
	})
}
