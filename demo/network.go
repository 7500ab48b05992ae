package demo

import (
	"context"
	"fmt"

	"coin/backend"
	"coin/date"
	"coin/ipam"
	"coin/provision"
	"coin/store"
)

// demoPools are the demo's IP pools (documentation ranges) and the
// backends of the offers they serve.
var demoPools = []struct {
	name, cidr, length, reserved, description, backend string
}{
	{"VPN IPv4", "198.51.100.0/24", "32", "198.51.100.0\n198.51.100.254-198.51.100.255",
		"Adresses fixes des tunnels VPN ; .254 est la passerelle.", "vpn"},
	{"VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56", "Un /56 par tunnel ; le premier sert à l’infrastructure.", "vpn"},
	{"VPS IPv4", "203.0.113.0/24", "32", "203.0.113.0\n203.0.113.255", "Adresses des serveurs virtuels.", "vps"},
}

// LoadNetwork adds the IP pools, links them to the VPN and VPS offers, and
// gives the demo configurations their addresses from the allocator;
// subscriptions that ended give theirs back. The demo member names their IPv4 address and delegates
// the reverse zone of their IPv6 /56.
func LoadNetwork(ctx context.Context, s *store.Store, a *ipam.Allocator, today date.Date) error {
	offers, err := s.ListOffers(ctx)
	if err != nil {
		return err
	}
	pools := map[string][]*store.IPPool{}
	for _, d := range demoPools {
		p := &store.IPPool{}
		errs, err := a.SavePool(ctx, p, ipam.PoolForm{Name: d.name, CIDR: d.cidr, SubnetLength: d.length,
			Reserved: d.reserved, Description: d.description})
		if err != nil {
			return err
		}
		if errs.Any() {
			return fmt.Errorf("demo pool %s: %v", d.name, errs)
		}
		pools[d.backend] = append(pools[d.backend], p)
		for _, o := range offers {
			if o.Backend == d.backend {
				if err := s.LinkIPPoolOffer(ctx, p.ID, o.ID, 1); err != nil {
					return err
				}
			}
		}
	}
	subs, _, err := s.ListSubscriptions(ctx, store.SubscriptionFilter{})
	if err != nil {
		return err
	}
	for i := len(subs) - 1; i >= 0; i-- { // oldest first, as they were allocated
		row := subs[i]
		if len(pools[row.Backend]) == 0 {
			continue
		}
		if err := recordDemoAllocations(ctx, s, a, row, today); err != nil {
			return fmt.Errorf("demo allocations of subscription %d: %w", row.ID, err)
		}
	}
	return nameDemoMember(ctx, s)
}

// recordDemoAllocations gives a demo configuration its addresses from
// the allocator, as if the subscription had been created now; a
// subscription that ended gives them back.
func recordDemoAllocations(ctx context.Context, s *store.Store, a *ipam.Allocator, row *store.SubscriptionRow, today date.Date) error {
	cfg, err := s.ConfigurationOf(ctx, row.ID)
	if err != nil {
		return err
	}
	m, err := s.MemberByID(ctx, row.MemberID)
	if err != nil {
		return err
	}
	o, err := s.OfferByID(ctx, row.OfferID)
	if err != nil {
		return err
	}
	t := provision.Target{Subscription: &row.Subscription, Member: m, Offer: o, Config: cfg,
		Reference: fmt.Sprintf("%s-%d", row.OfferReference, row.ID)}
	delete(cfg.Data, "ipv4_endpoint")
	delete(cfg.Data, "ipv6_endpoint")
	return s.Tx(ctx, func(tx *store.Store) error {
		errs, err := a.Assign(ctx, tx, t, backend.NewRegistry().Get(o.Backend).Fields(), nil)
		if err != nil {
			return err
		}
		if errs.Any() {
			return fmt.Errorf("%v", errs)
		}
		if err := tx.SaveConfiguration(ctx, cfg); err != nil {
			return err
		}
		if !row.ResignDate.IsZero() && !row.ResignDate.After(today) {
			err := a.Release(ctx, tx, t)
			return err
		}
		return nil
	})
}

// nameDemoMember gives the demo account's VPN a PTR name and delegates
// its /56.
func nameDemoMember(ctx context.Context, s *store.Store) error {
	me, err := s.MemberByLogin(ctx, "member")
	if err != nil {
		return err
	}
	subs, _, err := s.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: me.ID})
	if err != nil {
		return err
	}
	for _, row := range subs {
		list, err := s.SubscriptionIPAllocations(ctx, row.ID)
		if err != nil {
			return err
		}
		for _, al := range list {
			pool, err := s.IPPoolByID(ctx, al.PoolID)
			if err != nil {
				return err
			}
			if al.Prefix.Addr().Is4() {
				host := "vpn.emilie.example.org"
				if row.Backend == "vps" {
					host = "vps.emilie.example.org"
				}
				if _, err := ipam.SetPTR(ctx, s, al, ipam.PTRForm{Address: al.Prefix.Addr().String(), Name: host}); err != nil {
					return err
				}
				continue
			}
			if _, err := ipam.SetNameservers(ctx, s, pool, al, "ns1.emilie.example.org\nns2.emilie.example.org"); err != nil {
				return err
			}
		}
	}
	return nil
}
