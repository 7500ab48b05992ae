package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"coin/store"
)

// Paged lists take any ?page=: garbage, zero and negative mean the first
// page, and a huge one (whose offset would overflow) an empty page.
func TestPagedListsTakeAnyPage(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		p := &store.IPPool{Name: "Pool", Prefix: netip.MustParsePrefix("198.51.100.0/30"), SubnetLength: 32}
		if err := a.store.CreateIPPool(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		for _, page := range []string{"x", "0", "-3", "99999999999999999999", "9223372036854775807", "-9223372036854775808"} {
			for _, path := range []string{"/admin/members", "/admin/payments", "/admin/invoices", "/admin/fees",
				"/admin/subscriptions", "/admin/outbox", "/admin/jobs", "/admin/hardware", fmt.Sprintf("/admin/pools/%d", p.ID)} {
				if res := b.get(path + "?page=" + page); res.Status != http.StatusOK {
					t.Errorf("%s?page=%s: %d", path, page, res.Status)
				}
			}
		}
	})
}
