package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coin/store"
)

// networkSetup makes two pools linked to a VPN offer, through the pages.
func networkSetup(t *testing.T, a *testApp, b *browser) (*store.Offer, *store.IPPool, *store.IPPool) {
	t.Helper()
	ctx := context.Background()
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, Open: true}
	if err := a.store.CreateOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	b.get("/admin/pools/new")
	for _, p := range []url.Values{
		{"name": {"VPN IPv4"}, "cidr": {"198.51.100.0/30"}, "subnet_length": {"32"}, "reserved": {"198.51.100.0"}},
		{"name": {"VPN IPv6"}, "cidr": {"2001:db8::/32"}, "subnet_length": {"56"}, "reserved": {"2001:db8::/56"}},
	} {
		if res := b.post("/admin/pools/new", p); res.Status != http.StatusSeeOther {
			t.Fatalf("create pool %s: %d\n%s", p.Get("name"), res.Status, res.Body)
		}
	}
	v4, err := a.store.IPPoolByName(ctx, "VPN IPv4")
	if err != nil {
		t.Fatal(err)
	}
	v6, _ := a.store.IPPoolByName(ctx, "VPN IPv6")
	for _, p := range []*store.IPPool{v4, v6} {
		res := b.post(fmt.Sprintf("/admin/pools/%d/offers", p.ID), url.Values{"offer_id": {fmt.Sprint(o.ID)}, "priority": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("link offer: %d\n%s", res.Status, res.Body)
		}
	}
	return o, v4, v6
}

func TestStaffManagePoolsAndSubscriptionsGetAddresses(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		b := a.browser()
		b.login("support", "support-password")
		o, v4, v6 := networkSetup(t, a, b)

		// An overlapping pool is refused with the other pool's name, and written nowhere.
		res := b.post("/admin/pools/new", url.Values{"name": {"Other"}, "cidr": {"198.51.100.0/24"}, "subnet_length": {"32"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("overlapping pool: %d", res.Status)
		}
		mustContain(t, res.Body, "This network overlaps the pool VPN IPv4.")
		if _, err := a.store.IPPoolByName(context.Background(), "Other"); err == nil {
			t.Fatal("the overlapping pool was saved")
		}

		newSub := func(login string) response {
			b.get("/admin/subscriptions/new")
			return b.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(alice.ID)},
				"offer_id": {fmt.Sprint(o.ID)}, "start_date": {"2026-01-01"}, "commitment_months": {"0"},
				"cfg_login": {login}})
		}
		res = newSub("alice-1")
		if res.Status != http.StatusOK {
			t.Fatalf("create subscription: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "198.51.100.1", "2001:db8:0:100::/56")
		newSub("alice-2")
		newSub("alice-3")
		// The IPv4 pool is full: the form says which pool, nothing is written.
		res = newSub("alice-4")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("full pool: %d", res.Status)
		}
		mustContain(t, res.Body, "No free /32 left in pool VPN IPv4.")
		if list, _, _ := a.store.ListSubscriptions(context.Background(), store.SubscriptionFilter{}); len(list) != 3 {
			t.Fatalf("%d subscriptions after a refusal", len(list))
		}

		// Staff typing an address another subscription holds are refused.
		b.get("/admin/subscriptions/2/config")
		res = b.post("/admin/subscriptions/2/config", url.Values{"cfg_login": {"alice-2"},
			"cfg_ipv4_endpoint": {"198.51.100.1"}, "cfg_ipv6_endpoint": {"2001:db8:0:200::/56"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("config with a taken address: %d", res.Status)
		}
		mustContain(t, res.Body, "Already allocated (it overlaps 198.51.100.1/32).")
		if cfg, _ := a.store.ConfigurationOf(context.Background(), 2); cfg.Data["ipv4_endpoint"] != "198.51.100.2/32" {
			t.Fatalf("a refused config change was saved: %v", cfg.Data)
		}

		// The pool page shows usage, holders and the history.
		page := b.get(fmt.Sprintf("/admin/pools/%d", v4.ID))
		mustContain(t, page.Body, "198.51.100.3/32", "Alice Test", "100.0\u00a0%",
			"Allocated 198.51.100.1/32 (VPN IPv4) for alice, subscription VPN-")
		list := b.get("/admin/pools")
		mustContain(t, list.Body, "VPN IPv6", "2001:db8::/32", "VPN")

		// By hand: a taken subnet is refused, a free one is kept out.
		res = b.post(fmt.Sprintf("/admin/pools/%d/allocate", v6.ID), url.Values{"subnet": {"2001:db8:0:100::/64"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("taken subnet by hand: %d", res.Status)
		}
		mustContain(t, res.Body, "Already allocated (it overlaps 2001:db8:0:100::/56).")
		res = b.post(fmt.Sprintf("/admin/pools/%d/allocate", v6.ID), url.Values{"subnet": {"2001:db8:ff00::/40"}, "note": {"backbone"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("free subnet by hand: %d\n%s", res.Status, res.Body)
		}
		// Release: the endpoint leaves the configuration.
		allocs, _ := a.store.SubscriptionIPAllocations(context.Background(), 1)
		res = b.post(fmt.Sprintf("/admin/pools/%d/allocations/%d/release", v4.ID, allocs[0].ID), nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("release: %d", res.Status)
		}
		cfg, _ := a.store.ConfigurationOf(context.Background(), 1)
		if cfg.Data["ipv4_endpoint"] != "" || cfg.Data["ipv6_endpoint"] == "" {
			t.Fatalf("after release: %v", cfg.Data)
		}
		// Another pool's allocation is not found under this pool.
		if res := b.get(fmt.Sprintf("/admin/pools/%d/allocations/%d", v6.ID, allocs[0].ID)); res.Status != http.StatusNotFound {
			t.Fatalf("allocation under the wrong pool: %d", res.Status)
		}
		zone := b.get(fmt.Sprintf("/admin/pools/%d/zone.txt", v6.ID))
		if zone.Status != http.StatusOK || !strings.HasPrefix(zone.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("zone: %d %s", zone.Status, zone.Header.Get("Content-Type"))
		}
	})
}

func TestNetworkPagesNeedTheNetworkPermission(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("treasurer", "treasurer", "treasurer-password")
		a.addMember("alice", "member", "alice-password")
		for _, login := range []string{"treasurer", "alice"} {
			b := a.browser()
			b.login(login, login+"-password")
			for _, p := range []string{"/admin/pools", "/admin/pools/new"} {
				if res := b.get(p); res.Status != http.StatusForbidden {
					t.Fatalf("%s GET %s: %d", login, p, res.Status)
				}
			}
			res := b.post("/admin/pools/new", url.Values{"name": {"x"}, "cidr": {"192.0.2.0/24"}, "subnet_length": {"32"}})
			if res.Status != http.StatusForbidden {
				t.Fatalf("%s creates a pool: %d", login, res.Status)
			}
		}
		if pools, _ := a.store.ListIPPools(context.Background()); len(pools) != 0 {
			t.Fatal("a pool was created")
		}
		// Without the CSRF token even staff are refused.
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		res := b.postRaw("/admin/pools/new", url.Values{"name": {"x"}, "cidr": {"192.0.2.0/24"}, "subnet_length": {"32"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", res.Status)
		}
	})
}

func TestMembersEditTheReverseDNSOfTheirOwnSubnetsOnly(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		staff := a.browser()
		staff.login("support", "support-password")
		o, _, _ := networkSetup(t, a, staff)
		for _, m := range []*store.Member{alice, bob} {
			staff.get("/admin/subscriptions/new")
			res := staff.post("/admin/subscriptions/new", url.Values{"member_id": {fmt.Sprint(m.ID)},
				"offer_id": {fmt.Sprint(o.ID)}, "start_date": {"2026-01-01"}, "cfg_login": {m.Login + "-vpn"}})
			if res.Status != http.StatusOK {
				t.Fatalf("subscription of %s: %d", m.Login, res.Status)
			}
		}
		ctx := context.Background()
		mine, _, _ := a.store.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: alice.ID})
		theirs, _, _ := a.store.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: bob.ID})
		myAllocs, _ := a.store.SubscriptionIPAllocations(ctx, mine[0].ID)
		theirAllocs, _ := a.store.SubscriptionIPAllocations(ctx, theirs[0].ID)

		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/subscriptions")
		mustContain(t, page.Body, "198.51.100.1/32", "2001:db8:0:100::/56", "Reverse DNS of my addresses")
		mustNotContain(t, page.Body, "198.51.100.2/32")
		base := fmt.Sprintf("/subscriptions/%d/network", mine[0].ID)
		b.get(base)
		res := b.post(fmt.Sprintf("%s/%d/ptr", base, myAllocs[0].ID), url.Values{"address": {"198.51.100.1"}, "name": {"home.alice.example"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("own PTR: %d\n%s", res.Status, res.Body)
		}
		res = b.post(fmt.Sprintf("%s/%d/ptr", base, myAllocs[0].ID), url.Values{"address": {"198.51.100.2"}, "name": {"evil.example"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("PTR outside own subnet: %d", res.Status)
		}
		mustContain(t, res.Body, "The address must be inside 198.51.100.1/32.")
		res = b.post(fmt.Sprintf("%s/%d/ns", base, myAllocs[1].ID), url.Values{"nameservers": {"ns1.alice.example\nns2.alice.example"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("own delegation: %d\n%s", res.Status, res.Body)
		}
		// Bob's subnets: through Alice's subscription or through Bob's, 404.
		for _, p := range []string{
			fmt.Sprintf("%s/%d/ptr", base, theirAllocs[0].ID),
			fmt.Sprintf("/subscriptions/%d/network/%d/ptr", theirs[0].ID, theirAllocs[0].ID),
			fmt.Sprintf("/subscriptions/%d/network/%d/ns", theirs[0].ID, theirAllocs[1].ID),
		} {
			res := b.post(p, url.Values{"address": {"198.51.100.2"}, "name": {"evil.example"}, "nameservers": {"ns1.evil.example ns2.evil.example"}})
			if res.Status != http.StatusNotFound {
				t.Fatalf("POST %s: %d", p, res.Status)
			}
		}
		if res := b.get(fmt.Sprintf("/subscriptions/%d/network", theirs[0].ID)); res.Status != http.StatusNotFound {
			t.Fatalf("Bob's network page: %d", res.Status)
		}
		if res := b.get(fmt.Sprintf("/admin/pools/%d/allocations/%d", myAllocs[0].PoolID, myAllocs[0].ID)); res.Status != http.StatusForbidden {
			t.Fatalf("member on the staff allocation page: %d", res.Status)
		}
		ptrs, _ := a.store.IPPTRs(ctx, theirAllocs[0].ID, 0)
		bobAl, _ := a.store.IPAllocationByID(ctx, theirAllocs[1].ID)
		if len(ptrs) != 0 || len(bobAl.Nameservers) != 0 {
			t.Fatalf("Bob's reverse DNS changed: %v %v", ptrs, bobAl.Nameservers)
		}
		page = b.get(base)
		mustContain(t, page.Body, "home.alice.example", "ns2.alice.example")
	})
}

// TestOfferPageShowsItsPools: the offer's page says where its new
// subscriptions take their addresses from, and when nothing gives them any.
func TestOfferPageShowsItsPools(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("root", "admin", "admin-password")
		b := a.browser()
		b.login("root", "admin-password")
		lonely := &store.Offer{Name: "Housing", Reference: "HOUSING", Backend: "housing", BillingPeriodMonths: 1, Open: true}
		if err := a.store.CreateOffer(context.Background(), lonely); err != nil {
			t.Fatal(err)
		}
		o, v4, v6 := networkSetup(t, a, b)
		page := b.get(fmt.Sprintf("/admin/offers/%d/edit", o.ID))
		mustContain(t, page.Body, fmt.Sprintf(`href="/admin/pools/%d"`, v4.ID), ">VPN IPv4</a> <span class=\"muted\">(priority 1)</span>",
			fmt.Sprintf(`href="/admin/pools/%d"`, v6.ID), ">VPN IPv6</a> <span class=\"muted\">(priority 1)</span>")
		page = b.get(fmt.Sprintf("/admin/offers/%d/edit", lonely.ID))
		mustContain(t, page.Body, "No IP pool serves this offer")
	})
}
