package subscription_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"coin/backend"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

func TestOfferWritesCommitOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var buf bytes.Buffer
		svc := &subscription.Offers{Store: st, Backends: backend.NewRegistry(), Log: slog.New(slog.NewTextHandler(&buf, nil))}
		logged := func(msg string) int { return strings.Count(buf.String(), fmt.Sprintf("msg=%q", msg)) }
		boom := errors.New("boom")
		rolledBack := func(fn func(in *subscription.Offers) error) {
			t.Helper()
			err := st.Tx(ctx, func(tx *store.Store) error {
				in := *svc
				in.Store = tx
				if err := fn(&in); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("inside the rolled back transaction: %v", err)
			}
		}
		vpn := func(ref string) *subscription.OfferForm {
			return &subscription.OfferForm{Name: "VPN", Reference: ref, Backend: "vpn", PeriodFee: "5", SetupFee: "0",
				BillingPeriodMonths: "1", Open: true}
		}
		if _, errs, _ := svc.Create(ctx, vpn("VPN 1"), nil); errs.Get("reference") != "err.reference_invalid" {
			t.Fatalf("reference with a blank: %v", errs)
		}
		if _, errs, _ := svc.Create(ctx, &subscription.OfferForm{Name: "X", Reference: "X", Backend: "nope", BillingPeriodMonths: "0"}, nil); errs.Get("backend") == "" || errs.Get("billing_period_months") == "" {
			t.Fatalf("bad backend and months: %v", errs)
		}
		rolledBack(func(in *subscription.Offers) error {
			_, errs, err := in.Create(ctx, vpn("VPN"), nil)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if offers, _ := st.ListOffers(ctx); len(offers) != 0 || logged("offer created") != 0 {
			t.Fatalf("after a rollback: %d offers, log:\n%s", len(offers), &buf)
		}
		o, errs, err := svc.Create(ctx, vpn("VPN"), nil)
		if err != nil || errs.Any() || o.PeriodFeeCents != 500 || logged("offer created") != 1 {
			t.Fatalf("create: %+v %v %v, log:\n%s", o, errs, err, &buf)
		}
		if _, errs, _ := svc.Create(ctx, vpn("VPN"), nil); errs.Get("reference") != "err.reference_taken" {
			t.Fatalf("same reference twice: %v", errs)
		}
		other, _, _ := svc.Create(ctx, vpn("VPN2"), nil)

		rolledBack(func(in *subscription.Offers) error {
			cp, _ := st.OfferByID(ctx, o.ID)
			f := vpn("VPN")
			f.Name = "VPN+"
			errs, err := in.Update(ctx, cp, f, nil)
			if errs.Any() {
				return fmt.Errorf("%v", errs)
			}
			return err
		})
		if got, _ := st.OfferByID(ctx, o.ID); got.Name != "VPN" || logged("offer updated") != 0 {
			t.Fatalf("after a rolled back update: %+v, log:\n%s", got, &buf)
		}
		f := vpn("VPN")
		f.Name = "VPN+"
		if errs, err := svc.Update(ctx, o, f, nil); err != nil || errs.Any() {
			t.Fatalf("update: %v %v", errs, err)
		}
		if got, _ := st.OfferByID(ctx, o.ID); got.Name != "VPN+" || logged("offer updated") != 1 {
			t.Fatalf("after an update: %+v, log:\n%s", got, &buf)
		}
		if errs, _ := svc.Update(ctx, o, vpn("VPN2"), nil); errs.Get("reference") != "err.reference_taken" {
			t.Fatalf("update to a reference taken: %v", errs)
		}

		rolledBack(func(in *subscription.Offers) error { return in.Delete(ctx, other.ID, nil) })
		if _, err := st.OfferByID(ctx, other.ID); err != nil || logged("offer deleted") != 0 {
			t.Fatalf("after a rolled back deletion: %v, log:\n%s", err, &buf)
		}
		if err := svc.Delete(ctx, other.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.OfferByID(ctx, other.ID); !errors.Is(err, store.ErrNotFound) || logged("offer deleted") != 1 {
			t.Fatalf("after a deletion: %v, log:\n%s", err, &buf)
		}
	})
}
