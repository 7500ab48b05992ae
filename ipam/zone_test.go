package ipam_test

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"coin/ipam"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// checkZone runs BIND's named-checkzone on a zone file.
func checkZone(t *testing.T, origin, text string) {
	t.Helper()
	bin, err := exec.LookPath("named-checkzone")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/named-checkzone"); err != nil {
			t.Skip("named-checkzone is not installed (Debian: bind9-utils)")
		}
		bin = "/usr/sbin/named-checkzone"
	}
	path := filepath.Join(t.TempDir(), "zone")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-k", "fail", "-n", "fail", origin, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Fatalf("named-checkzone %s: %v\n%s\n%s", origin, err, out, text)
	}
}

func TestReverseZonePassesNamedCheckzone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		v4 := newPool(t, a, "VPN IPv4", "198.51.100.0/24", "32", "198.51.100.0")
		v6 := newPool(t, a, "VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56")
		claim := func(pool *store.IPPool, cidr string) *store.IPAllocation {
			var al *store.IPAllocation
			err := s.Tx(ctx, func(tx *store.Store) error {
				var err error
				_, al, err = a.Claim(ctx, tx, pool.ID, netip.MustParsePrefix(cidr), 0, model.AllocManual, "")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return al
		}
		ptr := func(al *store.IPAllocation, addr, name string) {
			errs, err := ipam.SetPTR(ctx, s, al, ipam.PTRForm{Address: addr, Name: name})
			if err != nil || errs.Any() {
				t.Fatalf("PTR %s: %v %v", addr, err, errs)
			}
		}
		delegate := func(pool *store.IPPool, al *store.IPAllocation, ns string) {
			errs, err := ipam.SetNameservers(ctx, s, pool, al, ns)
			if err != nil || errs.Any() {
				t.Fatalf("delegate %s: %v %v", al.Prefix, err, errs)
			}
		}
		one := claim(v4, "198.51.100.7/32")
		ptr(one, "198.51.100.7", "alice.example.org.")
		delegate(v4, claim(v4, "198.51.100.9/32"), "ns1.bob.example ns2.bob.example")
		block := claim(v4, "198.51.100.64/26")
		ptr(block, "198.51.100.65", "hidden.example.org")
		delegate(v4, block, "ns1.carol.example\nns2.carol.example")
		ptr(claim(v4, "198.51.100.128/25"), "198.51.100.200", "Host-200.Example.org")
		site := claim(v6, "2001:db8:0:100::/56")
		ptr(site, "2001:db8:0:100::1", "router.alice.example.org")
		delegate(v6, claim(v6, "2001:db8:0:200::/56"), "ns1.dave.example, ns2.dave.example")
		delegate(v6, claim(v6, "2001:db8:0:400::/54"), "ns1.erin.example ns2.erin.example")

		opts := ipam.ZoneOptions{Header: true, Nameservers: []string{"ns1.isp.example", "ns2.isp.example"}, Serial: 2026112501}
		zone4, err := ipam.Zone(ctx, s, v4, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"$ORIGIN 100.51.198.in-addr.arpa.",
			"7.100.51.198.in-addr.arpa.\t3600\tIN\tPTR\talice.example.org.",
			"9.100.51.198.in-addr.arpa.\t3600\tIN\tNS\tns1.bob.example.",
			"64-127.100.51.198.in-addr.arpa.\t3600\tIN\tNS\tns2.carol.example.",
			"65.100.51.198.in-addr.arpa.\t3600\tIN\tCNAME\t65.64-127.100.51.198.in-addr.arpa.",
			"200.100.51.198.in-addr.arpa.\t3600\tIN\tPTR\thost-200.example.org.",
		} {
			if !strings.Contains(zone4, want) {
				t.Fatalf("IPv4 zone lacks %q:\n%s", want, zone4)
			}
		}
		if strings.Contains(zone4, "hidden") {
			t.Fatalf("the PTR of a delegated subnet is exported:\n%s", zone4)
		}
		checkZone(t, "100.51.198.in-addr.arpa", zone4)

		zone6, err := ipam.Zone(ctx, s, v6, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.",
			"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tPTR\trouter.alice.example.org.",
			"2.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tNS\tns1.dave.example.",
			// A /54 is four /56 on the nibble boundary.
			"4.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tNS\tns1.erin.example.",
			"7.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tNS\tns2.erin.example.",
		} {
			if !strings.Contains(zone6, want) {
				t.Fatalf("IPv6 zone lacks %q:\n%s", want, zone6)
			}
		}
		checkZone(t, "8.b.d.0.1.0.0.2.ip6.arpa", zone6)

		// A subnet as large as the zone cannot be delegated from it.
		small := newPool(t, a, "VPS", "203.0.113.0/24", "24", "")
		whole := claim(small, "203.0.113.0/24")
		if errs, err := ipam.SetNameservers(ctx, s, small, whole, "ns1.x.example ns2.x.example"); err != nil || errs.Get("nameservers") != "ipam.err.cannot_delegate" {
			t.Fatalf("delegating a whole zone: %v %v", err, errs)
		}
		// A PTR outside the allocation is refused.
		if errs, _ := ipam.SetPTR(ctx, s, one, ipam.PTRForm{Address: "198.51.100.8", Name: "x.example.org"}); !errs.Any() {
			t.Fatal("PTR outside its allocation accepted")
		}
	})
}

func TestZonesOfPools(t *testing.T) {
	for _, c := range []struct{ pool, zones string }{
		{"198.51.100.0/24", "198.51.100.0/24"},
		{"198.51.100.0/22", "198.51.100.0/24 198.51.101.0/24 198.51.102.0/24 198.51.103.0/24"},
		{"198.51.100.128/25", "198.51.100.0/24"},
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"2001:db8::/30", "2001:db8::/32 2001:db9::/32 2001:dba::/32 2001:dbb::/32"},
		{"2001:db8:1::/48", "2001:db8:1::/48"},
	} {
		var got []string
		for _, z := range ipam.Zones(netip.MustParsePrefix(c.pool)) {
			got = append(got, z.String())
		}
		if strings.Join(got, " ") != c.zones {
			t.Errorf("zones of %s: %v, want %s", c.pool, got, c.zones)
		}
	}
}
