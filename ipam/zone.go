package ipam

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/miekg/dns"
	"go4.org/netipx"

	"coin/store"
)

// Reverse DNS: a pool's addresses live in reverse zones cut on octet
// boundaries (in-addr.arpa) or nibble boundaries (ip6.arpa). coin writes
// the records of those zones that come from its allocations: PTR names of
// single addresses, and delegations of subnets to their holders' name
// servers (NS at the subnet's name when it falls on a boundary, split
// into the boundary-aligned subnets that make it otherwise; IPv4 subnets
// between /25 and /31 by RFC 2317: one CNAME per address into a child
// zone named "first-last").

// boundary is the label size of reverse names: 8 bits in in-addr.arpa, 4 in ip6.arpa.
func boundary(a netip.Addr) int {
	if a.Is4() {
		return 8
	}
	return 4
}

func roundUp(bits, step int) int { return (bits + step - 1) / step * step }

// reverseName is the reverse DNS name of a prefix on a label boundary.
func reverseName(p netip.Prefix) string {
	b := p.Addr().AsSlice()
	var labels []string
	if p.Addr().Is4() {
		for i := p.Bits()/8 - 1; i >= 0; i-- {
			labels = append(labels, strconv.Itoa(int(b[i])))
		}
		return strings.Join(append(labels, "in-addr.arpa."), ".")
	}
	for i := p.Bits()/4 - 1; i >= 0; i-- {
		nibble := b[i/2] >> 4
		if i%2 == 1 {
			nibble = b[i/2] & 0xf
		}
		labels = append(labels, strconv.FormatUint(uint64(nibble), 16))
	}
	return strings.Join(append(labels, "ip6.arpa."), ".")
}

// split cuts p into the prefixes of length bits that make it up.
func split(p netip.Prefix, bits int) []netip.Prefix {
	if p.Bits() >= bits {
		return []netip.Prefix{p}
	}
	var out []netip.Prefix
	for a := p.Addr(); a.IsValid() && p.Contains(a); {
		q := netip.PrefixFrom(a, bits)
		out = append(out, q)
		a = netipx.PrefixLastIP(q).Next()
	}
	return out
}

// Zones returns the reverse zones a pool's addresses fall in: the pool
// itself when it is on a boundary, the boundary-aligned parts of it
// otherwise (a /22: four /24 zones), the enclosing /24 for an IPv4 pool
// smaller than that.
func Zones(pool netip.Prefix) []netip.Prefix {
	step := boundary(pool.Addr())
	if pool.Addr().Is4() && pool.Bits() > 24 {
		return []netip.Prefix{netip.PrefixFrom(pool.Addr(), 24).Masked()}
	}
	return split(pool, roundUp(pool.Bits(), step))
}

// zoneOf returns the reverse zone of a pool holding p.
func zoneOf(pool, p netip.Prefix) netip.Prefix {
	for _, z := range Zones(pool) {
		if z.Contains(p.Addr()) {
			return z
		}
	}
	return Zones(pool)[0]
}

// ErrNoDelegation is returned for a subnet whose reverse zone cannot be
// delegated from the pool's zones: it covers a whole zone.
var ErrNoDelegation = errors.New("cannot be delegated from the pool's reverse zone")

// delegationRecords returns the records delegating p to its name servers.
func delegationRecords(pool, p netip.Prefix, nameservers []string, ttl uint32) ([]dns.RR, error) {
	zone := zoneOf(pool, p)
	step := boundary(p.Addr())
	var rrs []dns.RR
	ns := func(owner string) {
		for _, n := range nameservers {
			rrs = append(rrs, &dns.NS{Hdr: hdr(owner, dns.TypeNS, ttl), Ns: dns.Fqdn(n)})
		}
	}
	if p.Addr().Is4() && p.Bits() > 24 && p.Bits() < 32 {
		b := p.Addr().As4()
		last := netipx.PrefixLastIP(p).As4()
		child := fmt.Sprintf("%d-%d.%s", b[3], last[3], reverseName(netip.PrefixFrom(p.Addr(), 24).Masked()))
		ns(child)
		for a := p.Addr(); a.IsValid() && p.Contains(a); a = a.Next() {
			owner := reverseName(netip.PrefixFrom(a, 32))
			rrs = append(rrs, &dns.CNAME{Hdr: hdr(owner, dns.TypeCNAME, ttl),
				Target: strconv.Itoa(int(a.As4()[3])) + "." + child})
		}
		return rrs, nil
	}
	for _, part := range split(p, roundUp(p.Bits(), step)) {
		if part.Bits() <= zone.Bits() {
			return nil, fmt.Errorf("%s: %w", p, ErrNoDelegation)
		}
		ns(reverseName(part))
	}
	return rrs, nil
}

// CheckDelegation tells whether p of pool can be delegated.
func CheckDelegation(pool, p netip.Prefix) error {
	_, err := delegationRecords(pool, p, []string{"ns.example."}, 0)
	return err
}

func hdr(name string, t uint16, ttl uint32) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
}

// ptrRecord is the PTR of one address.
func ptrRecord(a netip.Addr, name string, ttl uint32) (dns.RR, error) {
	owner, err := dns.ReverseAddr(a.String())
	if err != nil {
		return nil, err
	}
	return &dns.PTR{Hdr: hdr(owner, dns.TypePTR, ttl), Ptr: dns.Fqdn(name)}, nil
}

// ZoneOptions say how to write a pool's reverse zone.
type ZoneOptions struct {
	// Zone picks one of the pool's zones (its origin, e.g.
	// "100.51.198.in-addr.arpa"); "" means all of them.
	Zone string
	// Header writes $ORIGIN, $TTL, SOA and NS before each zone's records,
	// making a zone file; it needs Nameservers.
	Header      bool
	Nameservers []string
	Hostmaster  string // mailbox as a domain name (hostmaster.example.org)
	Serial      uint32
	TTL         uint32
}

// Zone writes the reverse DNS records of a pool: the delegations and the
// PTR names of its subnets in use (those of a delegated subnet are the
// holder's to serve and are left out).
func Zone(ctx context.Context, st *store.Store, pool *store.IPPool, o ZoneOptions) (string, error) {
	if o.TTL == 0 {
		o.TTL = 3600
	}
	zones := Zones(pool.Prefix)
	if o.Zone != "" {
		var picked []netip.Prefix
		for _, z := range zones {
			if strings.EqualFold(reverseName(z), dns.Fqdn(o.Zone)) {
				picked = append(picked, z)
			}
		}
		if len(picked) == 0 {
			var names []string
			for _, z := range zones {
				names = append(names, strings.TrimSuffix(reverseName(z), "."))
			}
			return "", fmt.Errorf("pool %s has no reverse zone %s (it has %s)", pool.Name, o.Zone, strings.Join(names, ", "))
		}
		zones = picked
	}
	if o.Header && len(o.Nameservers) == 0 {
		return "", errors.New("a zone header needs the zone's name servers")
	}
	delegated, err := st.DelegatedIPAllocations(ctx, pool.ID)
	if err != nil {
		return "", err
	}
	ptrs, err := st.IPPTRs(ctx, 0, pool.ID)
	if err != nil {
		return "", err
	}
	var rrs []dns.RR
	skip := map[int64]bool{}
	for _, al := range delegated {
		skip[al.ID] = true
		recs, err := delegationRecords(pool.Prefix, al.Prefix, al.Nameservers, o.TTL)
		if err != nil {
			// Checked when saved; the pool's zones cannot have changed
			// since, but a line we cannot write must not break the rest.
			continue
		}
		rrs = append(rrs, recs...)
	}
	for _, r := range ptrs {
		if skip[r.AllocationID] {
			continue
		}
		rr, err := ptrRecord(r.Addr, r.Name, o.TTL)
		if err != nil {
			return "", err
		}
		rrs = append(rrs, rr)
	}
	var b strings.Builder
	for i, z := range zones {
		origin := reverseName(z)
		if o.Header {
			if i > 0 {
				b.WriteString("\n")
			}
			writeHeader(&b, origin, o)
		}
		for _, rr := range rrs {
			if dns.IsSubDomain(origin, rr.Header().Name) {
				b.WriteString(rr.String())
				b.WriteString("\n")
			}
		}
	}
	return b.String(), nil
}

func writeHeader(b *strings.Builder, origin string, o ZoneOptions) {
	hostmaster := o.Hostmaster
	if hostmaster == "" {
		hostmaster = "hostmaster." + parentDomain(o.Nameservers[0])
	}
	fmt.Fprintf(b, "$ORIGIN %s\n$TTL %d\n", origin, o.TTL)
	soa := &dns.SOA{Hdr: hdr(origin, dns.TypeSOA, o.TTL), Ns: dns.Fqdn(o.Nameservers[0]),
		Mbox: dns.Fqdn(strings.Replace(hostmaster, "@", ".", 1)), Serial: o.Serial,
		Refresh: 3600, Retry: 900, Expire: 1209600, Minttl: 3600}
	b.WriteString(soa.String() + "\n")
	for _, n := range o.Nameservers {
		b.WriteString((&dns.NS{Hdr: hdr(origin, dns.TypeNS, o.TTL), Ns: dns.Fqdn(n)}).String() + "\n")
	}
}

// parentDomain drops the first label of a host name (ns1.example.org →
// example.org).
func parentDomain(host string) string {
	host = strings.TrimSuffix(host, ".")
	if _, rest, ok := strings.Cut(host, "."); ok && strings.Contains(rest, ".") {
		return rest
	}
	return host
}

var hostnameRE = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// ParseHostname checks a fully qualified host name (at least two labels;
// letters, digits and hyphens) and returns it in lower case without the
// final dot.
func ParseHostname(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if len(s) > 253 || !hostnameRE.MatchString(s) {
		return s, false
	}
	return s, true
}

// ZoneName is the name of a reverse zone, without the final dot.
func ZoneName(z netip.Prefix) string { return strings.TrimSuffix(reverseName(z), ".") }
