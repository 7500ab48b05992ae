package ldapsync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coin/date"
	"coin/ldapsync"
	"coin/store"
	"coin/store/storetest"
)

// BenchmarkReconcile1000 reconciles 1 000 VPN configurations made without
// LDAP against a real slapd (SQLite): once creating every entry, once
// finding them all unchanged. Run: go test ./ldapsync -run X -bench Reconcile1000 -benchtime 1x
func BenchmarkReconcile1000(b *testing.B) {
	const n = 1000
	for range b.N {
		st := storetest.SQLite(b)
		e := newEnvTB(b, st)
		ctx := context.Background()
		err := st.Tx(ctx, func(tx *store.Store) error {
			for i := range n {
				sub := &store.Subscription{MemberID: e.mem.ID, OfferID: e.vpn.ID, StartDate: date.MustParse("2026-01-01")}
				if err := tx.CreateSubscription(ctx, sub); err != nil {
					return err
				}
				login := fmt.Sprintf("user%04d", i)
				if err := tx.SaveConfiguration(ctx, &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: login,
					LDAPPassword: ldapsync.HashSSHA("pw"), Data: map[string]string{"login": login, "ipv4_endpoint": fmt.Sprintf("10.0.%d.%d/32", i/250, i%250+1)}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := e.sync.Reconcile(ctx, false)
		if err != nil || rep.Created != n {
			b.Fatalf("%s %v", rep, err)
		}
		created := time.Since(start)
		start = time.Now()
		rep, err = e.sync.Reconcile(ctx, false)
		if err != nil || rep.Unchanged != n+1 {
			b.Fatalf("second: %s %v", rep, err)
		}
		b.ReportMetric(created.Seconds(), "s-create-1000")
		b.ReportMetric(time.Since(start).Seconds(), "s-unchanged-1000")
	}
}
