package demo

import (
	"context"
	"testing"
	"time"

	"coin/ispdb"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// TestDemoISPRecordIsCompleteAndValid loads the demo and checks that its
// record goes through the admin form unchanged and gives a valid isp.json.
func TestDemoISPRecordIsCompleteAndValid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := Load(ctx, s, time.UTC); err != nil {
			t.Fatal(err)
		}
		schema, err := ispdb.NewSchema()
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.ISP(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.LogoHash == "" || r.IBAN == "" || r.BIC == "" || len(r.CoveredAreas) != 3 || r.Latitude == nil ||
			r.Office.Region == "" || r.LegalMentions == "" || r.AdminEmail == "" || r.Phone == "" {
			t.Fatalf("incomplete demo record: %+v", r)
		}
		f := ispdb.FromRecord(r)
		check := *r
		if errs := f.Validate(&check, schema); errs.Any() {
			t.Fatalf("the admin form refuses the demo record: %v", errs)
		}
		svc := ispdb.NewService(s, schema, time.UTC, func(h string) string { return "https://coin.traboule.example/isp/logo/" + h }, nil)
		p, err := svc.Publish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(p.Body); err != nil {
			t.Fatalf("demo isp.json: %v\n%s", err, p.Body)
		}
		members, _ := s.CountMembers(ctx, model.StatusMember)
		if members < 30 {
			t.Fatalf("only %d members with status member", members)
		}
	})
}
