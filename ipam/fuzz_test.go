package ipam_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"coin/ipam"
)

// FuzzParseReserved checks that whatever staff type as a pool's reserved
// list is refused cleanly or gives disjoint prefixes inside the pool.
func FuzzParseReserved(f *testing.F) {
	for _, s := range []string{"198.51.100.0, 198.51.100.1\n198.51.100.10-198.51.100.20", "198.51.100.0/30",
		"2001:db8::1", "198.51.100.20-198.51.100.10", "::ffff:1.2.3.4", "1.2.3.4/33", "-", ",,,"} {
		f.Add(s)
	}
	pool := netip.MustParsePrefix("198.51.100.0/24")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ipam.ParseReserved(text, pool)
		if err != nil {
			return
		}
		for i, p := range got {
			if !pool.Contains(p.Addr()) || p.Bits() < pool.Bits() || p.Masked() != p {
				t.Fatalf("%q gave %s outside %s", text, p, pool)
			}
			if i > 0 && (got[i-1].Overlaps(p) || !got[i-1].Addr().Less(p.Addr())) {
				t.Fatalf("%q gave %v: not disjoint and sorted", text, got)
			}
		}
	})
}

// FuzzReverseNames checks that a name accepted for a PTR or a name server
// makes a record that a DNS zone parser reads back the same.
func FuzzReverseNames(f *testing.F) {
	for _, s := range []string{"host.example.org", "Host-1.Example.ORG.", "a..b", "x", "-a.example", "a_b.example", "é.example",
		"ns1.example.org ns2.example.org", strings.Repeat("a", 64) + ".example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if name, ok := ipam.ParseHostname(text); ok {
			rr, err := dns.NewRR("7.100.51.198.in-addr.arpa. 3600 IN PTR " + name + ".")
			if err != nil {
				t.Fatalf("accepted %q gives a bad record: %v", text, err)
			}
			if got := rr.(*dns.PTR).Ptr; got != name+"." {
				t.Fatalf("accepted %q reads back as %q", text, got)
			}
		}
		if ns, bad := ipam.ParseNameservers(text); bad == "" {
			for _, n := range ns {
				if _, ok := ipam.ParseHostname(n); !ok {
					t.Fatalf("name server %q of %q is not a host name", n, text)
				}
			}
		}
	})
}
